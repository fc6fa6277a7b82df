// What node-llama-cpp 3.21.1 does not expose: a scoring context of our own with a unified KV cache
// whose batches give a token several sequence ids (scoring/packed-scoring.ts), and log-probabilities
// of chosen tokens at chosen batch rows (no vocabulary-sized Map, no sort). The one thing taken from
// node-llama-cpp is its llama_model* (modelOf): compiled against node-llama-cpp's own headers
// (helper-build.ts) so that unwrapping its AddonModel finds the model it holds; README.md says what
// to check when upgrading.
// llama.cpp symbols come from the libllama that node-llama-cpp already loaded, found at run time,
// so one helper works with the prebuilt and the local build alike.
#include <dlfcn.h>
#include <link.h>
#include <cmath>
#include <cstring>
#include <string>
#include "napi.h"
#include "AddonModel.h"
#include <vector>

namespace {

struct Api {
    float * (*get_logits_ith)(llama_context *, int32_t) = nullptr;
    const llama_model * (*get_model)(const llama_context *) = nullptr;
    const llama_vocab * (*model_get_vocab)(const llama_model *) = nullptr;
    int32_t (*vocab_n_tokens)(const llama_vocab *) = nullptr;
    llama_memory_t (*get_memory)(const llama_context *) = nullptr;
    void (*memory_seq_cp)(llama_memory_t, llama_seq_id, llama_seq_id, llama_pos, llama_pos) = nullptr;
    llama_context_params (*context_default_params)() = nullptr;
    llama_context * (*init_from_model)(llama_model *, llama_context_params) = nullptr;
    void (*free)(llama_context *) = nullptr;
    int32_t (*decode)(llama_context *, llama_batch) = nullptr;
    bool (*memory_seq_rm)(llama_memory_t, llama_seq_id, llama_pos, llama_pos) = nullptr;
    void (*memory_clear)(llama_memory_t, bool) = nullptr;
    int32_t (*model_n_ctx_train)(const llama_model *) = nullptr;
};

Api api;
std::string libllamaPath;
int libllamaCount = 0;

int findLibllama(struct dl_phdr_info * info, size_t, void *) {
    const char * name = info->dlpi_name;
    if (name == nullptr) return 0;
    const char * base = std::strrchr(name, '/');
    base = base ? base + 1 : name;
    if (std::strncmp(base, "libllama.", 9) == 0 || std::strncmp(base, "libllama-", 9) == 0) {
        if (std::strncmp(base, "libllama-common", 15) == 0) return 0;
        libllamaPath = name;
        libllamaCount++;
    }
    return 0;
}

template <typename F> void resolve(void * lib, const char * symbol, F & target) {
    target = reinterpret_cast<F>(dlsym(lib, symbol));
    if (target == nullptr) throw std::runtime_error(std::string("symbol not found: ") + symbol);
}

void loadApi() {
    if (api.get_logits_ith != nullptr) return;
    libllamaCount = 0;
    dl_iterate_phdr(findLibllama, nullptr);
    if (libllamaCount != 1)
        throw std::runtime_error("expected exactly one loaded libllama, found " + std::to_string(libllamaCount));
    void * lib = dlopen(libllamaPath.c_str(), RTLD_NOLOAD | RTLD_LAZY);
    if (lib == nullptr) throw std::runtime_error("cannot reopen " + libllamaPath);
    // Each field of Api is the llama.cpp function llama_<field>.
#define RESOLVE(field) resolve(lib, "llama_" #field, api.field)
    RESOLVE(get_logits_ith); RESOLVE(get_model); RESOLVE(model_get_vocab); RESOLVE(vocab_n_tokens);
    RESOLVE(get_memory); RESOLVE(memory_seq_cp); RESOLVE(memory_seq_rm); RESOLVE(memory_clear);
    RESOLVE(context_default_params); RESOLVE(init_from_model); RESOLVE(free); RESOLVE(decode);
    RESOLVE(model_n_ctx_train);
#undef RESOLVE
}

// A llama_context this helper owns (createScoringContext); JS holds it as an External.
struct ScoringContext {
    llama_context * ctx = nullptr;
    bool busy = false;  // a decode is running on a worker thread
    // The batch's arrays, kept alive while the decode runs.
    std::vector<llama_token> tokens;
    std::vector<llama_pos> positions;
    std::vector<int32_t> seqCounts;
    std::vector<llama_seq_id> seqIds;
    std::vector<llama_seq_id *> seqIdPointers;
    std::vector<int8_t> outputs;
};

ScoringContext * scoringContextOf(const Napi::Value & value) {
    ScoringContext * sc = value.As<Napi::External<ScoringContext>>().Data();
    if (sc == nullptr || sc->ctx == nullptr) throw std::runtime_error("scoring context is freed");
    return sc;
}

// The context for an operation that must not overlap a decode running on a worker thread.
ScoringContext * idleScoringContextOf(const Napi::Value & value, const char * operation) {
    ScoringContext * sc = scoringContextOf(value);
    if (sc->busy) throw std::runtime_error(std::string(operation) + ": a decode is running");
    return sc;
}

// node-llama-cpp's llama_model behind its AddonModel: the helper's only use of node-llama-cpp's
// private layout (its class as compiled from its headers), checked at startup by modelTrainContextSize.
llama_model * modelOf(const Napi::Value & value) {
    loadApi();
    AddonModel * addonModel = Napi::ObjectWrap<AddonModel>::Unwrap(value.As<Napi::Object>());
    if (addonModel == nullptr || addonModel->model == nullptr) throw std::runtime_error("model is disposed");
    return addonModel->model;
}

template <typename T> T * data(const Napi::Value & value, size_t & length) {
    auto array = value.As<Napi::TypedArrayOf<T>>();
    length = array.ElementLength();
    return array.Data();
}

const float * rowLogits(llama_context * ctx, int32_t row) {
    const float * logits = api.get_logits_ith(ctx, row);
    if (logits == nullptr) throw std::runtime_error("no logits for batch row " + std::to_string(row));
    return logits;
}

// scoreRows(context, rows: Int32Array, targets: Int32Array, logprobs: Float64Array, isArgmax: Uint8Array)
// logprobs[i] = log softmax(logits of rows[i])[targets[i]], the sum of exponentials in double;
// isArgmax[i] = targets[i] is the first maximum (torch.argmax's tie rule). Consecutive equal rows
// share one normalisation.
Napi::Value ScoreRows(const Napi::CallbackInfo & info) {
    llama_context * ctx = idleScoringContextOf(info[0], "scoreRows")->ctx;
    size_t n, nTargets, nOut, nArg;
    const int32_t * rows = data<int32_t>(info[1], n);
    const int32_t * targets = data<int32_t>(info[2], nTargets);
    double * logprobs = data<double>(info[3], nOut);
    uint8_t * isArgmax = data<uint8_t>(info[4], nArg);
    if (nTargets != n || nOut != n || nArg != n) throw std::runtime_error("scoreRows: array lengths differ");
    const int32_t nVocab = api.vocab_n_tokens(api.model_get_vocab(api.get_model(ctx)));
    int32_t lastRow = -1;
    const float * logits = nullptr;
    double logNormaliser = 0;
    int32_t argmax = 0;
    for (size_t i = 0; i < n; i++) {
        if (targets[i] < 0 || targets[i] >= nVocab) throw std::runtime_error("scoreRows: token out of range");
        if (rows[i] != lastRow) {
            lastRow = rows[i];
            logits = rowLogits(ctx, lastRow);
            argmax = 0;
            for (int32_t t = 1; t < nVocab; t++)
                if (logits[t] > logits[argmax]) argmax = t;
            const double max = logits[argmax];
            double sum = 0;
            for (int32_t t = 0; t < nVocab; t++) sum += std::exp(static_cast<double>(logits[t]) - max);
            logNormaliser = max + std::log(sum);
        }
        logprobs[i] = static_cast<double>(logits[targets[i]]) - logNormaliser;
        isArgmax[i] = targets[i] == argmax ? 1 : 0;
    }
    return info.Env().Undefined();
}

// modelTrainContextSize(addonModel): llama_model_n_ctx_train, compared by the caller with
// node-llama-cpp's own answer to check that the unwrapped object has the layout compiled against.
Napi::Value ModelTrainContextSize(const Napi::CallbackInfo & info) {
    llama_model * model = modelOf(info[0]);  // loads api first: a callee is evaluated before its arguments
    return Napi::Number::New(info.Env(), api.model_n_ctx_train(model));
}

// createScoringContext(addonModel, contextSize, batchSize, sequences, threads, flashAttention): a
// context with one KV stream shared by all sequences (kv_unified), so a cell can belong to several
// sequences and every token of a batch is computed in one attention operation.
Napi::Value CreateScoringContext(const Napi::CallbackInfo & info) {
    llama_model * model = modelOf(info[0]);
    llama_context_params params = api.context_default_params();
    params.n_ctx = info[1].As<Napi::Number>().Uint32Value();
    params.n_batch = info[2].As<Napi::Number>().Uint32Value();
    params.n_ubatch = params.n_batch;  // one ubatch per decode: its split never depends on the company
    params.n_seq_max = info[3].As<Napi::Number>().Uint32Value();
    params.n_threads = info[4].As<Napi::Number>().Int32Value();
    params.n_threads_batch = params.n_threads;
    params.kv_unified = true;
    params.swa_full = true;  // as node-llama-cpp's contexts here (load.ts): no cell is dropped early
    params.flash_attn_type =
        info[5].As<Napi::Boolean>().Value() ? LLAMA_FLASH_ATTN_TYPE_ENABLED : LLAMA_FLASH_ATTN_TYPE_DISABLED;
    params.no_perf = true;
    auto * sc = new ScoringContext();
    sc->ctx = api.init_from_model(model, params);
    if (sc->ctx == nullptr) {
        delete sc;
        throw std::runtime_error("llama_init_from_model failed for the scoring context");
    }
    // Freed at garbage collection too, if freeScoringContext was never called. JS holds the handle
    // while a decode runs (decodeBatch's caller awaits it), so it is never collected mid-decode.
    return Napi::External<ScoringContext>::New(info.Env(), sc, [](Napi::Env, ScoringContext * owned) {
        if (owned->ctx != nullptr) api.free(owned->ctx);
        delete owned;
    });
}

// freeScoringContext(context): frees it now (not at garbage collection: its KV cache is large).
Napi::Value FreeScoringContext(const Napi::CallbackInfo & info) {
    ScoringContext * sc = info[0].As<Napi::External<ScoringContext>>().Data();
    if (sc != nullptr && sc->ctx != nullptr) {
        idleScoringContextOf(info[0], "freeScoringContext");
        api.free(sc->ctx);
        sc->ctx = nullptr;
    }
    return info.Env().Undefined();
}

class DecodeWorker : public Napi::AsyncWorker {
  public:
    DecodeWorker(Napi::Env env, ScoringContext * sc)
        : Napi::AsyncWorker(env), sc(sc), deferred(Napi::Promise::Deferred::New(env)) {}
    Napi::Promise Promise() { return deferred.Promise(); }

  protected:
    void Execute() override {
        llama_batch batch{};
        batch.n_tokens = static_cast<int32_t>(sc->tokens.size());
        batch.token = sc->tokens.data();
        batch.pos = sc->positions.data();
        batch.n_seq_id = sc->seqCounts.data();
        batch.seq_id = sc->seqIdPointers.data();
        batch.logits = sc->outputs.data();
        status = api.decode(sc->ctx, batch);
    }
    void OnOK() override {
        sc->busy = false;
        if (status != 0)
            deferred.Reject(Napi::Error::New(Env(), "llama_decode failed with status " + std::to_string(status)).Value());
        else
            deferred.Resolve(Env().Undefined());
    }
    void OnError(const Napi::Error & e) override {
        sc->busy = false;
        deferred.Reject(e.Value());
    }

  private:
    ScoringContext * sc;
    Napi::Promise::Deferred deferred;
    int32_t status = 0;
};

// decodeBatch(context, tokens: Int32Array, positions: Int32Array, seqCounts: Int32Array,
// seqIds: Int32Array (seqCounts[i] ids per token, concatenated), outputs: Uint8Array): Promise.
// Output rows are batch indices, read with scoreRows before the next decode.
Napi::Value DecodeBatch(const Napi::CallbackInfo & info) {
    ScoringContext * sc = idleScoringContextOf(info[0], "decodeBatch");
    size_t n, nPos, nCounts, nIds, nOut;
    const int32_t * tokens = data<int32_t>(info[1], n);
    const int32_t * positions = data<int32_t>(info[2], nPos);
    const int32_t * counts = data<int32_t>(info[3], nCounts);
    const int32_t * ids = data<int32_t>(info[4], nIds);
    const uint8_t * outputs = data<uint8_t>(info[5], nOut);
    if (nPos != n || nCounts != n || nOut != n) throw std::runtime_error("decodeBatch: array lengths differ");
    sc->tokens.assign(tokens, tokens + n);
    sc->positions.assign(positions, positions + n);
    sc->seqCounts.assign(counts, counts + n);
    sc->seqIds.assign(ids, ids + nIds);
    sc->outputs.assign(outputs, outputs + n);
    sc->seqIdPointers.resize(n);
    size_t offset = 0;
    for (size_t i = 0; i < n; i++) {
        if (counts[i] < 1 || offset + counts[i] > nIds) throw std::runtime_error("decodeBatch: bad sequence counts");
        sc->seqIdPointers[i] = sc->seqIds.data() + offset;
        offset += counts[i];
    }
    if (offset != nIds) throw std::runtime_error("decodeBatch: sequence ids left over");
    sc->busy = true;
    auto * worker = new DecodeWorker(info.Env(), sc);
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
}

// removeCells(context, seq, p0, p1): llama_memory_seq_rm (seq -1: every sequence; p1 -1: to the end).
Napi::Value RemoveCells(const Napi::CallbackInfo & info) {
    ScoringContext * sc = idleScoringContextOf(info[0], "removeCells");
    const bool ok = api.memory_seq_rm(api.get_memory(sc->ctx), info[1].As<Napi::Number>().Int32Value(),
                                      info[2].As<Napi::Number>().Int32Value(), info[3].As<Napi::Number>().Int32Value());
    return Napi::Boolean::New(info.Env(), ok);
}

// copyCells(context, src, dst, p0, p1): llama_memory_seq_cp; in a unified cache it only adds dst to
// the cells' sequence sets.
Napi::Value CopyCells(const Napi::CallbackInfo & info) {
    ScoringContext * sc = idleScoringContextOf(info[0], "copyCells");
    api.memory_seq_cp(api.get_memory(sc->ctx), info[1].As<Napi::Number>().Int32Value(),
                      info[2].As<Napi::Number>().Int32Value(), info[3].As<Napi::Number>().Int32Value(),
                      info[4].As<Napi::Number>().Int32Value());
    return info.Env().Undefined();
}

// clearCells(context): empties the cache and moves its search head back to cell 0.
Napi::Value ClearCells(const Napi::CallbackInfo & info) {
    ScoringContext * sc = idleScoringContextOf(info[0], "clearCells");
    api.memory_clear(api.get_memory(sc->ctx), true);
    return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
    exports.Set("createScoringContext", Napi::Function::New(env, CreateScoringContext));
    exports.Set("freeScoringContext", Napi::Function::New(env, FreeScoringContext));
    exports.Set("decodeBatch", Napi::Function::New(env, DecodeBatch));
    exports.Set("removeCells", Napi::Function::New(env, RemoveCells));
    exports.Set("copyCells", Napi::Function::New(env, CopyCells));
    exports.Set("clearCells", Napi::Function::New(env, ClearCells));
    exports.Set("scoreRows", Napi::Function::New(env, ScoreRows));
    exports.Set("modelTrainContextSize", Napi::Function::New(env, ModelTrainContextSize));
    return exports;
}

}  // namespace

NODE_API_MODULE(evalboard_kv_helper, Init)
