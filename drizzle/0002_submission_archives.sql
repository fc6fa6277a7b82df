CREATE TABLE "submission_archives" (
	"submission_id" integer PRIMARY KEY NOT NULL,
	"archive" "bytea" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "submission_archives" ADD CONSTRAINT "submission_archives_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;