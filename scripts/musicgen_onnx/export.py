"""Make a MusicGen ONNX model in the layout of Xenova/musicgen-small: random weights, or real ones (--weights).

  python3 scripts/musicgen_onnx/export.py --size tiny  --out tests/fixtures/musicgen-tiny
  python3 scripts/musicgen_onnx/export.py --size small --out ~/.cache/musicsketch/musicgen-small-random
  python3 scripts/musicgen_onnx/export.py --size small --weights facebook/musicgen-small --out <hub folder>

Build time only (torch, transformers, onnx, onnxruntime, tokenizers from pip); never run by the app
or the tests. Writes onnx/text_encoder.onnx, onnx/decoder_model_merged.onnx (+ _quantized, int8),
onnx/encodec_decode.onnx, onnx/encodec_encode.onnx (audio to codes, to continue a clip),
tokenizer.json, config.json and manifest.json (size and SHA-256 of every
file), and checks the ONNX decoder against transformers' own forward pass before it finishes.
"""

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from torch import nn
from transformers import AutoTokenizer, MusicgenForConditionalGeneration

sys.path.insert(0, str(Path(__file__).parent))
import configs  # noqa: E402
from decoder import DecoderStep, output_names, past_names  # noqa: E402
from merge import merge  # noqa: E402
from tokenizer import train  # noqa: E402

OPSET = 17


class TextEncoder(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.enc = model.text_encoder

    def forward(self, input_ids, attention_mask):
        return self.enc(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state


class EncodecDecode(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.codec = model.audio_encoder

    def forward(self, audio_codes):
        # [1, B, 4, T] codes -> [B, 1, samples], one frame as in optimum's patched forward.
        return self.codec._decode_frame(audio_codes[0], None)


class EncodecEncode(nn.Module):
    """Audio to codes, for continuing a clip: [B, 1, samples] at 32 kHz -> [B, 4, frames]."""

    def __init__(self, model):
        super().__init__()
        self.codec = model.audio_encoder
        self.bandwidth = model.audio_encoder.config.target_bandwidths[0]

    def forward(self, input_values):
        return self.codec._encode_frame(input_values, self.bandwidth)[0]


def export(module, args, path, input_names, output_names, dynamic_axes):
    torch.onnx.export(
        module, args, str(path), input_names=input_names, output_names=output_names,
        dynamic_axes=dynamic_axes, opset_version=OPSET, dynamo=False, do_constant_folding=True,
    )


def export_decoder(model, onnx_dir, tmp, quantize, per_channel):
    cfg = model.decoder.config
    layers, heads, hd = cfg.num_hidden_layers, cfg.num_attention_heads, cfg.hidden_size // cfg.num_attention_heads
    text_hidden = model.text_encoder.config.hidden_size
    b, s = 2, 5
    ids = torch.full((b * cfg.num_codebooks, 1), cfg.pad_token_id, dtype=torch.int64)
    ehs = torch.randn(b, s, text_hidden)
    mask = torch.ones(b, s, dtype=torch.int64)
    pin = past_names(layers)
    pout = output_names(layers)
    axes = {"input_ids": {0: "batch_x_codebooks", 1: "seq"}, "encoder_hidden_states": {0: "batch", 1: "enc_seq"},
            "encoder_attention_mask": {0: "batch", 1: "enc_seq"}, "logits": {0: "batch_x_codebooks", 1: "seq"}}
    for n in pin:
        axes[n] = {0: "batch", 2: "past_capacity" if ".decoder." in n else "enc_seq"}
    for n in pout:
        axes[n] = {0: "batch", 2: "seq" if ".decoder." in n else "enc_seq"}
    parts = {}
    for with_past in (False, True):
        # The traced past has more room than keys (6 positions, 3 used), as the app feeds it.
        capacity = 6 if with_past else 0
        past = []
        for _ in range(layers):
            past += [torch.randn(b, heads, capacity, hd), torch.randn(b, heads, capacity, hd),
                     torch.randn(b, heads, s, hd), torch.randn(b, heads, s, hd)]
        length = [torch.tensor([3], dtype=torch.int64)] if with_past else []
        path = tmp / f"decoder_{'with_past' if with_past else 'no_past'}.onnx"
        export(DecoderStep(model, with_past), (ids, ehs, mask, *past, *length), path,
               ["input_ids", "encoder_hidden_states", "encoder_attention_mask", *pin,
                *(["past_length"] if with_past else [])], ["logits", *pout], axes)
        parts[with_past] = path
    save(merge(onnx.load(str(parts[False])), onnx.load(str(parts[True]))), onnx_dir / "decoder_model_merged.onnx")
    if quantize:
        # Each branch is quantized on its own (the quantizer does not reach weights an If's
        # branches take from the outer graph), then merged like the fp32 pair. Only the MatMuls
        # (every weight that counts: projections, feed-forward, the four heads): the embeddings
        # are a lookup of one row per code and stay exact.
        q = {}
        for key, path in parts.items():
            q[key] = path.with_name(path.stem + "_int8.onnx")
            quantize_dynamic(str(path), str(q[key]), weight_type=QuantType.QInt8, per_channel=per_channel,
                             op_types_to_quantize=["MatMul"])
        save(merge(onnx.load(str(q[False])), onnx.load(str(q[True]))), onnx_dir / "decoder_model_merged_quantized.onnx")


def save(model, path):
    # Files over 2 GB would need external data; musicgen-small's decoder is about 1.7 GB in fp32.
    onnx.save_model(model, str(path))


def reference_logits(model, text_hidden, steps=7):
    """transformers' own logits for a few steps, taken before any export: the legacy exporter
    leaves transformers' forward pass altered afterwards in this process."""
    cfg = model.decoder.config
    gen = torch.Generator().manual_seed(1)
    codes = torch.randint(0, cfg.vocab_size, (cfg.num_codebooks, steps), generator=gen)
    codes[:, 0] = cfg.pad_token_id
    ehs = torch.randn(1, 3, text_hidden, generator=gen)
    mask = torch.tensor([[1, 1, 0]])
    with torch.no_grad():
        ref = model(encoder_outputs=(ehs,), attention_mask=mask, decoder_input_ids=codes).logits.numpy()
    return codes, ehs, mask, ref


def check_decoder(model, onnx_path, reference):
    """The merged ONNX decoder, stepped with its cache as the app keeps it (a buffer with room to
    spare, grown in chunks, the new keys written in after each call), gives transformers' logits."""
    cfg = model.decoder.config
    codes, ehs, mask, ref = reference
    steps = codes.shape[1]
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    layers, heads = cfg.num_hidden_layers, cfg.num_attention_heads
    hd = cfg.hidden_size // heads
    chunk = 3
    cache = {f"past_key_values.{i}.{part}": np.zeros((1, heads, 0, hd), np.float32)
             for i in range(layers) for part in ("decoder.key", "decoder.value", "encoder.key", "encoder.value")}
    names = [o.name for o in sess.get_outputs()]
    for t in range(steps):
        feeds = {"input_ids": codes[:, t : t + 1].numpy(), "encoder_hidden_states": ehs.numpy(),
                 "encoder_attention_mask": mask.numpy(), "use_cache_branch": np.array([t > 0]),
                 "past_length": np.array([t], np.int64), **cache}
        out = sess.run(None, {k: v for k, v in feeds.items() if k in {i.name for i in sess.get_inputs()}})
        got = out[0][:, 0, :]
        diff = np.abs(got - ref[:, t, :]).max()
        if diff > 1e-3:
            raise SystemExit(f"decoder step {t} differs from transformers by {diff}")
        for name, value in zip(names[1:], out[1:]):
            if name.startswith("present."):
                cache[name.replace("present", "past_key_values")] = value
                continue
            past = name.replace("new", "past_key_values")
            buf = cache[past]
            if buf.shape[2] < t + 1:
                # Grown by a chunk; the room past the keys holds garbage, which the mask must hide.
                grown = np.random.randn(1, heads, buf.shape[2] + chunk, hd).astype(np.float32)
                grown[:, :, :t] = buf[:, :, :t]
                buf = grown
            buf[:, :, t : t + 1] = value
            cache[past] = buf
    print(f"decoder matches transformers over {steps} cached steps")


def check_encoder(model, onnx_path):
    """The ONNX EnCodec encoder gives transformers' codes for a few seconds of audio."""
    audio = torch.randn(1, 1, 32000 * 2, generator=torch.Generator().manual_seed(2)) * 0.3
    with torch.no_grad():
        ref = model.audio_encoder.encode(audio, bandwidth=model.audio_encoder.config.target_bandwidths[0])
    ref = ref.audio_codes[0].numpy()
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = sess.run(None, {"input_values": audio.numpy()})[0]
    if got.shape != ref.shape or (got != ref).mean() > 0.01:
        raise SystemExit(f"EnCodec encoder differs from transformers: {got.shape} vs {ref.shape}")
    print(f"EnCodec encoder matches transformers: {got.shape[-1]} frames for 2 s")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--size", choices=["tiny", "small"], required=True)
    p.add_argument("--weights", help="real weights instead of random ones: a folder or hub id in transformers' "
                   "layout, e.g. facebook/musicgen-small (CC-BY-NC 4.0); --size then only names the model")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-quantize", action="store_true")
    p.add_argument("--per-channel", action="store_true",
                   help="int8 scales per output channel instead of per tensor (slower on CPU, closer to fp32)")
    a = p.parse_args()
    out = Path(os.path.expanduser(a.out))
    onnx_dir = out / "onnx"
    tmp = out / ".tmp"
    onnx_dir.mkdir(parents=True, exist_ok=True)
    tmp.mkdir(exist_ok=True)
    torch.manual_seed(a.seed)

    if a.weights:
        # Real weights (a folder or hub id in transformers' layout) with their own T5 tokenizer.
        model = MusicgenForConditionalGeneration.from_pretrained(a.weights).eval()
        cfg = model.config
        tok = AutoTokenizer.from_pretrained(a.weights).backend_tokenizer
    else:
        tok = train()
        # The real size keeps T5's 32128-token embedding whatever tokenizer we ship.
        vocab = tok.get_vocab_size() if a.size == "tiny" else 32128
        cfg = configs.tiny(vocab) if a.size == "tiny" else configs.small(vocab)
        model = MusicgenForConditionalGeneration(cfg).eval()
        with torch.no_grad():
            # transformers leaves EnCodec's codebooks at zero until trained: every code would then
            # decode to the same sound. Random vectors make each code (and so each seed) audible.
            for layer in model.audio_encoder.quantizer.layers:
                layer.codebook.embed.normal_()
    tok.save(str(out / "tokenizer.json"))
    reference = reference_logits(model, cfg.text_encoder.hidden_size)

    with torch.no_grad():
        ids = torch.tensor([tok.encode("a test prompt").ids])
        export(TextEncoder(model), (ids, torch.ones_like(ids)), onnx_dir / "text_encoder.onnx",
               ["input_ids", "attention_mask"], ["last_hidden_state"],
               {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                "last_hidden_state": {0: "batch", 1: "seq"}})
        codes = torch.randint(0, 2048, (1, 1, cfg.decoder.num_codebooks, 7))
        export(EncodecDecode(model), (codes,), onnx_dir / "encodec_decode.onnx", ["audio_codes"], ["audio_values"],
               {"audio_codes": {1: "batch", 3: "chunk_length"}, "audio_values": {0: "batch", 2: "audio_length"}})
        audio = torch.randn(1, 1, 640 * 7)
        export(EncodecEncode(model), (audio,), onnx_dir / "encodec_encode.onnx", ["input_values"], ["audio_codes"],
               {"input_values": {0: "batch", 2: "samples"}, "audio_codes": {0: "batch", 2: "frames"}})
        check_encoder(model, onnx_dir / "encodec_encode.onnx")
        export_decoder(model, onnx_dir, tmp, quantize=not a.no_quantize, per_channel=a.per_channel)
    for f in ([] if os.environ.get("KEEP_TMP") else tmp.iterdir()):
        f.unlink()
    os.environ.get("KEEP_TMP") or tmp.rmdir()
    check_decoder(model, onnx_dir / "decoder_model_merged.onnx", reference)

    dec = cfg.decoder
    config = {
        "model_type": "musicgen",
        "random_weights": not a.weights,
        "size": a.size,
        "decoder": {"num_codebooks": dec.num_codebooks, "vocab_size": dec.vocab_size, "pad_token_id": dec.pad_token_id,
                    "decoder_start_token_id": dec.decoder_start_token_id, "num_hidden_layers": dec.num_hidden_layers,
                    "num_attention_heads": dec.num_attention_heads, "hidden_size": dec.hidden_size,
                    "max_position_embeddings": dec.max_position_embeddings},
        "audio_encoder": {"sampling_rate": cfg.audio_encoder.sampling_rate,
                          "frame_rate": cfg.audio_encoder.frame_rate, "audio_channels": 1},
        "text_encoder": {"hidden_size": cfg.text_encoder.hidden_size},
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    # Only what the app installs: not manifest.json itself, nor the intermediate files KEEP_TMP keeps.
    files = sorted(p for p in out.rglob("*") if p.is_file() and p.name != "manifest.json" and tmp not in p.parents)
    manifest = {"files": [{"path": str(p.relative_to(out)), "size": p.stat().st_size, "sha256": sha256(p)}
                          for p in files]}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
