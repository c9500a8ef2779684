"""MusicGen configurations: the real musicgen-small architecture and a tiny one for test fixtures.

The numbers for `small` are those of facebook/musicgen-small (T5-base text encoder, a 24-layer
1024-wide decoder over 4 codebooks of 2048 codes, EnCodec 32 kHz at 50 frames a second).
"""

from transformers import EncodecConfig, MusicgenConfig, MusicgenDecoderConfig, T5Config

ENCODEC_32K = dict(
    sampling_rate=32000,
    audio_channels=1,
    target_bandwidths=[2.2],
    upsampling_ratios=[8, 5, 4, 4],
    codebook_size=2048,
    norm_type="weight_norm",
    use_causal_conv=False,
    pad_mode="reflect",
    chunk_length_s=None,
    overlap=None,
    normalize=False,
    compress=2,
    kernel_size=7,
    last_kernel_size=7,
    residual_kernel_size=3,
    dilation_growth_rate=2,
    num_residual_layers=1,
    use_conv_shortcut=False,
    trim_right_ratio=1.0,
)


def small(vocab_size: int) -> MusicgenConfig:
    text = T5Config(
        vocab_size=vocab_size, d_model=768, d_kv=64, d_ff=3072, num_layers=12, num_heads=12,
        relative_attention_num_buckets=32, feed_forward_proj="relu", is_encoder_decoder=False,
    )
    audio = EncodecConfig(**ENCODEC_32K, num_filters=64, hidden_size=128, codebook_dim=128, num_lstm_layers=2)
    decoder = MusicgenDecoderConfig(
        vocab_size=2048, num_codebooks=4, hidden_size=1024, num_hidden_layers=24, num_attention_heads=16,
        ffn_dim=4096, max_position_embeddings=2048, activation_function="gelu", pad_token_id=2048,
        bos_token_id=2048, decoder_start_token_id=2048,
    )
    return MusicgenConfig(text_encoder=text, audio_encoder=audio, decoder=decoder)


def tiny(vocab_size: int) -> MusicgenConfig:
    # Same layout and rates as `small`, every width shrunk: a few MB, for tests only.
    text = T5Config(
        vocab_size=vocab_size, d_model=16, d_kv=8, d_ff=32, num_layers=1, num_heads=2,
        relative_attention_num_buckets=8, feed_forward_proj="relu", is_encoder_decoder=False,
    )
    audio = EncodecConfig(**ENCODEC_32K, num_filters=2, hidden_size=8, codebook_dim=8, num_lstm_layers=1)
    decoder = MusicgenDecoderConfig(
        vocab_size=2048, num_codebooks=4, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        ffn_dim=64, max_position_embeddings=2048, activation_function="gelu", pad_token_id=2048,
        bos_token_id=2048, decoder_start_token_id=2048,
    )
    return MusicgenConfig(text_encoder=text, audio_encoder=audio, decoder=decoder)
