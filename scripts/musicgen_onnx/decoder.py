"""The MusicGen decoder step as a plain traceable module over the weights of transformers' model.

Inputs and outputs follow the `decoder_model_merged.onnx` of Xenova/musicgen-small (optimum's
export): input_ids [B*4, T], encoder_hidden_states [B, S, text_hidden] (the raw text-encoder
output; the projection to the decoder width is inside), encoder_attention_mask [B, S],
past_key_values.{i}.decoder.{key,value}, past_key_values.{i}.encoder.{key,value} [B, H, S, D],
use_cache_branch; outputs logits [B*4, T, 2048] and present.{i}.encoder.{key,value}.

One difference, for speed: the self-attention cache is kept by the caller and never copied by
the graph. Optimum's decoder concatenates past and new keys into `present`, which copies the whole
cache every step (at 500 positions, about 200 MB a step for musicgen-small at batch 2, more time
than the weights). Here the past is read where it lies: past_key_values.{i}.decoder.* is
[B, H, C, D] with C >= past_length (the caller's buffer, grown in chunks), `past_length` [1] says
how many of its positions hold keys (the rest are masked out), and the outputs
new.{i}.decoder.{key,value} [B, H, T, D] are only this call's positions, which the caller writes
into its buffer. Attention is computed over the past and the new keys as two products joined at
the softmax, so no concatenated copy of the cache exists.
`with_past` selects the branch: reuse the encoder keys/values given, or compute them.
"""

import torch
from torch import nn


class DecoderStep(nn.Module):
    def __init__(self, model, with_past: bool):
        super().__init__()
        self.m = model
        self.with_past = with_past
        cfg = model.decoder.config
        self.num_codebooks = cfg.num_codebooks
        self.heads = cfg.num_attention_heads
        self.head_dim = cfg.hidden_size // cfg.num_attention_heads
        self.project = model.text_encoder.config.hidden_size != cfg.hidden_size

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.head_dim).transpose(1, 2)

    def merge_heads(self, out):
        out = out.transpose(1, 2)
        b, t = out.shape[0], out.shape[1]
        return out.reshape(b, t, self.heads * self.head_dim)

    def attend(self, q, k, v, bias):
        w = torch.matmul(q * (self.head_dim**-0.5), k.transpose(2, 3)) + bias
        w = torch.softmax(w, dim=-1)
        return self.merge_heads(torch.matmul(w, v))

    def attend_split(self, q, pk, pv, past_bias, k, v, bias):
        """Attention over [past, new] keys without joining them: scores of each part, one softmax
        over both, then the two weighted sums added."""
        q = q * (self.head_dim**-0.5)
        sp = torch.matmul(q, pk.transpose(2, 3)) + past_bias
        sn = torch.matmul(q, k.transpose(2, 3)) + bias
        w = torch.softmax(torch.cat([sp, sn], dim=-1), dim=-1)
        c = pk.shape[2]
        out = torch.matmul(w[..., :c], pv) + torch.matmul(w[..., c:], v)
        return self.merge_heads(out)

    def forward(self, input_ids, encoder_hidden_states, encoder_attention_mask, *past_and_length):
        if self.with_past:
            *past, past_length = past_and_length
        else:
            past, past_length = past_and_length, None
        dec = self.m.decoder.model.decoder
        ehs = encoder_hidden_states
        if self.project:
            ehs = self.m.enc_to_dec_proj(ehs)
        mask = encoder_attention_mask.to(ehs.dtype)
        ehs = ehs * mask[..., None]
        min_value = torch.finfo(ehs.dtype).min
        cross_bias = ((1.0 - mask) * min_value)[:, None, None, :]

        codes = input_ids.reshape(-1, self.num_codebooks, input_ids.shape[-1])
        t = codes.shape[-1]
        hidden = sum(dec.embed_tokens[c](codes[:, c]) for c in range(self.num_codebooks))
        new = torch.arange(t)
        positions = new if past_length is None else new + past_length
        hidden = hidden + dec.embed_positions.weights.index_select(0, positions)

        # Causal bias over the new keys: row i sees new keys up to i (and every past key).
        causal = (new[None, :] > new[:, None]).to(hidden.dtype) * min_value
        causal = causal[None, None, :, :]
        if past_length is not None:
            # The cache's positions from past_length on are free room: masked out.
            room = torch.arange(past[0].shape[2])
            past_bias = ((room >= past_length).to(hidden.dtype) * min_value)[None, None, None, :]

        presents = []
        for i, layer in enumerate(dec.layers):
            pk, pv, ek, ev = past[4 * i : 4 * i + 4]
            residual = hidden
            h = layer.self_attn_layer_norm(hidden)
            sa = layer.self_attn
            q = self.split(sa.q_proj(h))
            k = self.split(sa.k_proj(h))
            v = self.split(sa.v_proj(h))
            if past_length is None:
                h = sa.out_proj(self.attend(q, k, v, causal))
            else:
                h = sa.out_proj(self.attend_split(q, pk, pv, past_bias, k, v, causal))
            hidden = residual + h

            residual = hidden
            h = layer.encoder_attn_layer_norm(hidden)
            ca = layer.encoder_attn
            if not self.with_past:
                ek = self.split(ca.k_proj(ehs))
                ev = self.split(ca.v_proj(ehs))
            h = ca.out_proj(self.attend(self.split(ca.q_proj(h)), ek, ev, cross_bias))
            hidden = residual + h

            residual = hidden
            h = layer.final_layer_norm(hidden)
            h = layer.fc2(layer.activation_fn(layer.fc1(h)))
            hidden = residual + h
            presents += [k, v, ek, ev]

        hidden = dec.layer_norm(hidden)
        heads = self.m.decoder.lm_heads
        logits = torch.stack([head(hidden) for head in heads], dim=1)
        logits = logits.reshape(-1, t, logits.shape[-1])
        return (logits, *presents)


def past_names(layers: int):
    """The cache inputs, in the order forward takes them."""
    names = []
    for i in range(layers):
        for part in ("decoder.key", "decoder.value", "encoder.key", "encoder.value"):
            names.append(f"past_key_values.{i}.{part}")
    return names


def output_names(layers: int):
    """What a call gives back after the logits: this call's self-attention keys and values, and
    the text's cross-attention keys and values."""
    names = []
    for i in range(layers):
        names += [f"new.{i}.decoder.key", f"new.{i}.decoder.value",
                  f"present.{i}.encoder.key", f"present.{i}.encoder.value"]
    return names
