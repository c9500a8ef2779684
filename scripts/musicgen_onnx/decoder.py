"""The MusicGen decoder step as a plain traceable module over the weights of transformers' model.

Inputs and outputs follow the `decoder_model_merged.onnx` of Xenova/musicgen-small (optimum's
export): input_ids [B*4, T], encoder_hidden_states [B, S, text_hidden] (the raw text-encoder
output; the projection to the decoder width is inside), encoder_attention_mask [B, S],
past_key_values.{i}.decoder.{key,value} [B, H, P, D], past_key_values.{i}.encoder.{key,value}
[B, H, S, D], use_cache_branch; outputs logits [B*4, T, 2048] and present.* of the same shapes.
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

    def attend(self, q, k, v, bias):
        w = torch.matmul(q, k.transpose(2, 3)) * (self.head_dim**-0.5) + bias
        w = torch.softmax(w, dim=-1)
        out = torch.matmul(w, v).transpose(1, 2)
        b, t = out.shape[0], out.shape[1]
        return out.reshape(b, t, self.heads * self.head_dim)

    def forward(self, input_ids, encoder_hidden_states, encoder_attention_mask, *past):
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
        past_len = past[0].shape[2]
        positions = torch.arange(t) + past_len
        hidden = hidden + dec.embed_positions.weights.index_select(0, positions)

        # Causal bias over [past + new] keys: row i sees keys up to past_len + i.
        keys = torch.arange(past_len + t)
        causal = (keys[None, :] > (positions[:, None])).to(hidden.dtype) * min_value
        causal = causal[None, None, :, :]

        presents = []
        for i, layer in enumerate(dec.layers):
            pk, pv, ek, ev = past[4 * i : 4 * i + 4]
            residual = hidden
            h = layer.self_attn_layer_norm(hidden)
            sa = layer.self_attn
            k = torch.cat([pk, self.split(sa.k_proj(h))], dim=2)
            v = torch.cat([pv, self.split(sa.v_proj(h))], dim=2)
            h = sa.out_proj(self.attend(self.split(sa.q_proj(h)), k, v, causal))
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


def past_names(layers: int, prefix: str):
    names = []
    for i in range(layers):
        for part in ("decoder.key", "decoder.value", "encoder.key", "encoder.value"):
            names.append(f"{prefix}.{i}.{part}")
    return names
