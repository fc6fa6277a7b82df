CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"salt" text NOT NULL,
	"hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "board_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"version" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "evaluation_requests" (
	"id" serial PRIMARY KEY NOT NULL,
	"model" text NOT NULL,
	"model_args" text,
	"suite_id" text NOT NULL,
	"requested_by" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" integer,
	"job_id" text,
	"failure" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gold" (
	"suite_id" text NOT NULL,
	"task_id" text NOT NULL,
	"item_id" text NOT NULL,
	"answer" jsonb NOT NULL,
	CONSTRAINT "gold_suite_id_task_id_item_id_pk" PRIMARY KEY("suite_id","task_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"org" text NOT NULL,
	"revision" text,
	"type" text DEFAULT 'other' NOT NULL,
	"openness" text DEFAULT 'open' NOT NULL,
	"license" text,
	"architecture" text,
	"params_b" double precision
);
--> statement-breakpoint
CREATE TABLE "picks" (
	"model_id" text PRIMARY KEY NOT NULL,
	"picked_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "samples" (
	"id" serial PRIMARY KEY NOT NULL,
	"submission_id" integer NOT NULL,
	"task_id" text NOT NULL,
	"item_id" text NOT NULL,
	"prompt" text,
	"messages" jsonb,
	"output" text NOT NULL,
	"extracted" text,
	"metric_name" text NOT NULL,
	"metric_value" double precision,
	"correct" boolean,
	"prompt_id" text
);
--> statement-breakpoint
CREATE TABLE "scores" (
	"submission_id" integer NOT NULL,
	"task_id" text NOT NULL,
	"metric" text NOT NULL,
	"raw" double precision NOT NULL,
	"normalised" double precision,
	"stderr" double precision,
	"ci_low" double precision,
	"ci_high" double precision,
	"normalised_stderr" double precision,
	"normalised_ci_low" double precision,
	"normalised_ci_high" double precision,
	CONSTRAINT "scores_submission_id_task_id_metric_pk" PRIMARY KEY("submission_id","task_id","metric")
);
--> statement-breakpoint
CREATE TABLE "sub_scores" (
	"submission_id" integer NOT NULL,
	"task_id" text NOT NULL,
	"subcategory" text NOT NULL,
	"raw" double precision NOT NULL,
	"normalised" double precision,
	CONSTRAINT "sub_scores_submission_id_task_id_subcategory_pk" PRIMARY KEY("submission_id","task_id","subcategory")
);
--> statement-breakpoint
CREATE TABLE "submissions" (
	"id" serial PRIMARY KEY NOT NULL,
	"owner_id" integer,
	"model_id" text NOT NULL,
	"suite_id" text NOT NULL,
	"precision" text,
	"model_type" text,
	"params_b" double precision,
	"mode" text,
	"chat_template" boolean,
	"system_prompt" text,
	"fewshot_as_multiturn" boolean,
	"harness_version" text,
	"config_hash" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"visibility" text DEFAULT 'public' NOT NULL,
	"standard_setup" boolean DEFAULT true NOT NULL,
	"setup" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"validation" jsonb DEFAULT '{"errors":[],"warnings":[]}'::jsonb NOT NULL,
	"total" double precision,
	"total_raw" double precision,
	"source" text DEFAULT 'upload' NOT NULL,
	"submitted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "suite_tasks" (
	"suite_id" text NOT NULL,
	"task_id" text NOT NULL,
	"name" text NOT NULL,
	"domain" text NOT NULL,
	"random_baseline" double precision,
	"num_fewshot" integer,
	"gold_public" boolean DEFAULT false NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "suite_tasks_suite_id_task_id_pk" PRIMARY KEY("suite_id","task_id")
);
--> statement-breakpoint
CREATE TABLE "suites" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"sha256" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text DEFAULT 'user' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "votes" (
	"request_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "votes_request_id_user_id_pk" PRIMARY KEY("request_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_requests" ADD CONSTRAINT "evaluation_requests_suite_id_suites_id_fk" FOREIGN KEY ("suite_id") REFERENCES "public"."suites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_requests" ADD CONSTRAINT "evaluation_requests_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_requests" ADD CONSTRAINT "evaluation_requests_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "picks" ADD CONSTRAINT "picks_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "picks" ADD CONSTRAINT "picks_picked_by_users_id_fk" FOREIGN KEY ("picked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "samples" ADD CONSTRAINT "samples_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scores" ADD CONSTRAINT "scores_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sub_scores" ADD CONSTRAINT "sub_scores_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_suite_id_suites_id_fk" FOREIGN KEY ("suite_id") REFERENCES "public"."suites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suite_tasks" ADD CONSTRAINT "suite_tasks_suite_id_suites_id_fk" FOREIGN KEY ("suite_id") REFERENCES "public"."suites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_request_id_evaluation_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."evaluation_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "requests_status" ON "evaluation_requests" USING btree ("status");--> statement-breakpoint
CREATE INDEX "samples_submission_task" ON "samples" USING btree ("submission_id","task_id","correct");--> statement-breakpoint
CREATE INDEX "scores_task" ON "scores" USING btree ("task_id","raw");--> statement-breakpoint
CREATE INDEX "submissions_board" ON "submissions" USING btree ("suite_id","status","visibility");--> statement-breakpoint
CREATE INDEX "submissions_model" ON "submissions" USING btree ("model_id");--> statement-breakpoint
CREATE INDEX "submissions_owner_created" ON "submissions" USING btree ("owner_id","created_at");