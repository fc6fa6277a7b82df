"""Serves lm-eval `!function` hooks from a task's utils.py to evalboard, unmodified.

Requests and replies are JSON lines over two FIFOs (paths in argv). The Node side blocks on each
reply, so hook calls stay synchronous where lm-eval's are; calls carry a batch of argument lists so
that a whole split costs one round trip where the caller can batch.

Only the standard library is used here: a hook's own imports are its business, and a missing one is
reported by name before the run starts.
"""

import importlib.util
import json
import math
import os
import signal
import sys
import traceback
import types


class Dataset:
    """The part of `datasets.Dataset` that lm-eval's process_docs hooks use, over a list of dicts."""

    def __init__(self, rows):
        self._rows = [dict(r) for r in rows]

    @classmethod
    def from_list(cls, rows):
        return cls(rows)

    @classmethod
    def from_dict(cls, columns):
        names = list(columns)
        n = len(columns[names[0]]) if names else 0
        return cls([{k: columns[k][i] for k in names} for i in range(n)])

    @property
    def column_names(self):
        return list(self._rows[0].keys()) if self._rows else []

    @property
    def num_rows(self):
        return len(self._rows)

    def __len__(self):
        return len(self._rows)

    def __iter__(self):
        return iter([dict(r) for r in self._rows])

    def __getitem__(self, key):
        if isinstance(key, str):
            return [r[key] for r in self._rows]
        if isinstance(key, slice):
            part = self._rows[key]
            names = list(part[0].keys()) if part else []
            return {k: [r[k] for r in part] for k in names}
        return dict(self._rows[key])

    def to_list(self):
        return [dict(r) for r in self._rows]

    def map(self, function=None, with_indices=False, batched=False, batch_size=1000, remove_columns=None, **_):
        if function is None:
            return Dataset(self._rows)
        out = []
        if batched:
            step = batch_size or len(self._rows) or 1
            for start in range(0, len(self._rows), step):
                part = self._rows[start:start + step]
                names = list(part[0].keys()) if part else []
                batch = {k: [r[k] for r in part] for k in names}
                indices = list(range(start, start + len(part)))
                result = function(batch, indices) if with_indices else function(batch)
                merged = dict(batch)
                merged.update(result or {})
                lengths = {len(v) for v in merged.values()}
                size = lengths.pop() if len(lengths) == 1 else len(part)
                out.extend({k: merged[k][i] for k in merged} for i in range(size))
        else:
            for i, row in enumerate(self._rows):
                result = function(dict(row), i) if with_indices else function(dict(row))
                merged = dict(row)
                merged.update(result or {})
                out.append(merged)
        if remove_columns:
            drop = [remove_columns] if isinstance(remove_columns, str) else list(remove_columns)
            out = [{k: v for k, v in r.items() if k not in drop} for r in out]
        return Dataset(out)

    def filter(self, function, with_indices=False, **_):
        keep = []
        for i, row in enumerate(self._rows):
            if function(dict(row), i) if with_indices else function(dict(row)):
                keep.append(row)
        return Dataset(keep)

    def select(self, indices, **_):
        return Dataset([self._rows[i] for i in indices])

    def rename_column(self, old, new):
        return Dataset([{(new if k == old else k): v for k, v in r.items()} for r in self._rows])

    def rename_columns(self, mapping):
        return Dataset([{mapping.get(k, k): v for k, v in r.items()} for r in self._rows])

    def remove_columns(self, columns):
        drop = [columns] if isinstance(columns, str) else list(columns)
        return Dataset([{k: v for k, v in r.items() if k not in drop} for r in self._rows])

    def select_columns(self, columns):
        keep = [columns] if isinstance(columns, str) else list(columns)
        return Dataset([{k: r[k] for k in keep} for r in self._rows])

    def shuffle(self, seed=None, **_):
        import random

        rows = list(self._rows)
        random.Random(seed).shuffle(rows)
        return Dataset(rows)

    def sort(self, column, reverse=False, **_):
        return Dataset(sorted(self._rows, key=lambda r: r[column], reverse=reverse))

    def add_column(self, name, column, **_):
        return Dataset([dict(r, **{name: v}) for r, v in zip(self._rows, column)])


def install_datasets_stand_in():
    """`import datasets` in a hook gets this stand-in when the real library is not installed."""
    try:
        import datasets  # noqa: F401

        return
    except ImportError:
        pass
    module = types.ModuleType("datasets")
    module.Dataset = Dataset
    module.__evalboard_stand_in__ = True
    sys.modules["datasets"] = module


def expose_lm_eval_tree(path):
    """A utils.py inside an lm-eval checkout imports its siblings as `lm_eval.tasks.<folder>...`.

    Where lm_eval itself is not installed, `lm_eval` and `lm_eval.tasks` become bare packages over
    the checkout's folders (their __init__.py, which import the whole harness, are not run), so
    such imports read the files beside the task. An installed lm_eval is left to answer them.
    """
    if "lm_eval" in sys.modules:
        return
    folder = os.path.dirname(os.path.abspath(path))
    while os.path.basename(folder) != "tasks" or os.path.basename(os.path.dirname(folder)) != "lm_eval":
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent
    try:
        if importlib.util.find_spec("lm_eval") is not None:
            return
    except (ImportError, ValueError):
        pass
    for name, where in (("lm_eval", os.path.dirname(folder)), ("lm_eval.tasks", folder)):
        module = types.ModuleType(name)
        module.__path__ = [where]
        module.__evalboard_stand_in__ = True
        sys.modules[name] = module
    sys.modules["lm_eval"].tasks = sys.modules["lm_eval.tasks"]


def plain(value):
    """A hook's return value as JSON: tuples and sets as lists, a Dataset as its rows."""
    if isinstance(value, Dataset):
        return {"__dataset__": value.to_list()}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return {"__float__": repr(value)}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "item"):  # numpy scalars
        return plain(value.item())
    if hasattr(value, "tolist"):
        return plain(value.tolist())
    if hasattr(value, "__iter__") and not isinstance(value, (bytes, bytearray)):
        # map/filter objects and generators: lm-eval's filters return them, its next step iterates
        return [plain(v) for v in value]
    return repr(value)


def revive(value):
    if isinstance(value, dict):
        if "__dataset__" in value and len(value) == 1:
            return Dataset(value["__dataset__"])
        return {k: revive(v) for k, v in value.items()}
    if isinstance(value, list):
        return [revive(v) for v in value]
    return value


class Timeout(Exception):
    pass


def on_alarm(*_):
    raise Timeout()


def main():
    requests_path, replies_path = sys.argv[1], sys.argv[2]
    replies = open(replies_path, "w", encoding="utf-8")
    requests = open(requests_path, "r", encoding="utf-8")
    install_datasets_stand_in()
    signal.signal(signal.SIGALRM, on_alarm)
    modules = {}
    objects = {}
    for line in requests:
        message = json.loads(line)
        try:
            reply = handle(message, modules, objects)
        except Timeout:
            reply = {"error": f"timed out after {message.get('timeout_s')} s"}
        except Exception as error:  # a hook's own failure goes back as one message
            frames = traceback.extract_tb(error.__traceback__)
            where = next((f"{f.filename}:{f.lineno}" for f in reversed(frames) if f.filename != __file__), "")
            reply = {"error": f"{type(error).__name__}: {error}", "where": where}
        finally:
            signal.alarm(0)
        replies.write(json.dumps(reply, ensure_ascii=False, allow_nan=False) + "\n")
        replies.flush()


def handle(message, modules, objects):
    op = message["op"]
    signal.alarm(int(message.get("timeout_s") or 0))
    if op == "load":
        path = message["path"]
        if path not in modules:
            expose_lm_eval_tree(path)
            spec = importlib.util.spec_from_file_location(f"evalboard_hook_{len(modules)}", path)
            module = importlib.util.module_from_spec(spec)
            sys.path.insert(0, message["folder"])
            try:
                spec.loader.exec_module(module)
            except ModuleNotFoundError as error:
                return {"error": str(error), "missing_module": error.name}
            finally:
                sys.path.remove(message["folder"])
            modules[path] = module
        names = [n for n in dir(modules[path]) if callable(getattr(modules[path], n))]
        return {"ok": True, "callables": names}
    if op == "method":
        obj = objects[message["object"]]
        return {"results": [plain(getattr(obj, message["method"])(*revive(args))) for args in message["batch"]]}
    target = getattr(modules[message["path"]], message["name"])
    if op == "call":
        args_list = [revive(args) for args in message["batch"]]
        if message.get("dataset_arg"):
            args_list = [[Dataset(args[0])] + args[1:] for args in args_list]
        return {"results": [plain(target(*args)) for args in args_list]}
    if op == "metric":
        kwargs = message.get("kwargs") or {}
        return {"results": [plain(score_metric(target, message["name"], *revive(args), kwargs)) for args in message["batch"]]}
    if op == "new":  # a hook that is a class (a custom filter): construct it, keep it by id
        key = len(objects)
        objects[key] = target(**revive(message.get("kwargs") or {}))
        return {"object": key}
    raise ValueError(f"unknown op {op}")


def score_metric(fn, name, gold, result, multiple_target, kwargs):
    """A `metric: !function` as lm-eval's ConfigurableTask.process_results calls it for generate_until.

    It takes references=/predictions= lists (HF-evaluate style), else one [gold, result] pair; a dict
    it returns is several metrics. With several golds the answer counts when any gold scores. `name`
    is the function's name as the YAML writes it (lm-eval's metric key).
    """
    def once(reference):
        try:
            return fn(references=[reference], predictions=[result], **kwargs)
        except TypeError:
            return fn([reference, result])

    if multiple_target:
        golds = gold if isinstance(gold, list) else [gold]
        scores = []
        for option in golds:
            score = once(option)
            scores.append(score[name] if isinstance(score, dict) else score)
        return {name: 1.0 if any(scores) else 0.0}
    if type(gold) is not type(result) and not isinstance(result, list):
        gold = type(result)(gold)  # lm-eval casts the gold to the answer's type (an int label to str)
    score = once(gold)
    return score if isinstance(score, dict) else {name: score}


if __name__ == "__main__":
    main()
