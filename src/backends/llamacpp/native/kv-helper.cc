// Reads what node-llama-cpp 3.21.1 does not expose: log-probabilities of chosen tokens at chosen
// batch rows (no vocabulary-sized Map, no sort), argmaxes for greedy decoding, and KV copies
// between sequences (llama_memory_seq_cp). Compiled against node-llama-cpp's own headers (see
// native-helper.ts) so that unwrapping its AddonContext finds the llama_context it holds.
// llama.cpp symbols come from the libllama that node-llama-cpp already loaded, found at run time,
// so one helper works with the prebuilt and the local build alike.
#include <dlfcn.h>
#include <link.h>
#include <cmath>
#include <cstring>
#include <string>
#include "napi.h"
#include "AddonContext.h"

namespace {

struct Api {
    float * (*get_logits_ith)(llama_context *, int32_t) = nullptr;
    const llama_model * (*get_model)(const llama_context *) = nullptr;
    const llama_vocab * (*model_get_vocab)(const llama_model *) = nullptr;
    int32_t (*vocab_n_tokens)(const llama_vocab *) = nullptr;
    llama_memory_t (*get_memory)(const llama_context *) = nullptr;
    void (*memory_seq_cp)(llama_memory_t, llama_seq_id, llama_seq_id, llama_pos, llama_pos) = nullptr;
    uint32_t (*n_ctx)(const llama_context *) = nullptr;
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
    resolve(lib, "llama_get_logits_ith", api.get_logits_ith);
    resolve(lib, "llama_get_model", api.get_model);
    resolve(lib, "llama_model_get_vocab", api.model_get_vocab);
    resolve(lib, "llama_vocab_n_tokens", api.vocab_n_tokens);
    resolve(lib, "llama_get_memory", api.get_memory);
    resolve(lib, "llama_memory_seq_cp", api.memory_seq_cp);
    resolve(lib, "llama_n_ctx", api.n_ctx);
}

llama_context * contextOf(const Napi::Value & value) {
    loadApi();
    AddonContext * addon = Napi::ObjectWrap<AddonContext>::Unwrap(value.As<Napi::Object>());
    if (addon == nullptr || addon->disposed || addon->ctx == nullptr) throw std::runtime_error("context is disposed");
    return addon->ctx;
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
    llama_context * ctx = contextOf(info[0]);
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

// argmaxRows(context, rows: Int32Array, out: Int32Array): greedy tokens (first maximum).
Napi::Value ArgmaxRows(const Napi::CallbackInfo & info) {
    llama_context * ctx = contextOf(info[0]);
    size_t n, nOut;
    const int32_t * rows = data<int32_t>(info[1], n);
    int32_t * out = data<int32_t>(info[2], nOut);
    if (nOut != n) throw std::runtime_error("argmaxRows: array lengths differ");
    const int32_t nVocab = api.vocab_n_tokens(api.model_get_vocab(api.get_model(ctx)));
    for (size_t i = 0; i < n; i++) {
        const float * logits = rowLogits(ctx, rows[i]);
        int32_t best = 0;
        for (int32_t t = 1; t < nVocab; t++)
            if (logits[t] > logits[best]) best = t;
        out[i] = best;
    }
    return info.Env().Undefined();
}

// copySequence(context, src, dst): dst's cells become a copy of src's (all positions). Across
// KV streams llama.cpp copies the whole stream buffer at the next decode.
Napi::Value CopySequence(const Napi::CallbackInfo & info) {
    llama_context * ctx = contextOf(info[0]);
    const int32_t src = info[1].As<Napi::Number>().Int32Value();
    const int32_t dst = info[2].As<Napi::Number>().Int32Value();
    api.memory_seq_cp(api.get_memory(ctx), src, dst, -1, -1);
    return info.Env().Undefined();
}

// contextSize(context): llama_n_ctx, compared by the caller with the addon's own answer to check
// that the unwrapped object has the layout this helper was compiled against.
Napi::Value ContextSize(const Napi::CallbackInfo & info) {
    llama_context * ctx = contextOf(info[0]);  // loads api first: a callee is evaluated before its arguments
    return Napi::Number::New(info.Env(), api.n_ctx(ctx));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
    exports.Set("scoreRows", Napi::Function::New(env, ScoreRows));
    exports.Set("argmaxRows", Napi::Function::New(env, ArgmaxRows));
    exports.Set("copySequence", Napi::Function::New(env, CopySequence));
    exports.Set("contextSize", Napi::Function::New(env, ContextSize));
    return exports;
}

}  // namespace

NODE_API_MODULE(evalboard_kv_helper, Init)
