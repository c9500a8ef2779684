"""A T5-style unigram tokenizer for the tiny test model.

The real model uses T5's tokenizer.json (downloaded with the model); the tiny fixture gets a small
unigram vocabulary trained here with the same pipeline shape: NFKC, Metaspace (▁ before each
word), a Unigram model with <pad>=0, </s>=1, <unk>=2, and "$A </s>" after every text.
"""

from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

CORPUS = [
    "lofi hip hop beat with mellow piano and vinyl crackle",
    "80s pop track with bassy drums and synth",
    "ambient drone with slow evolving pads and distant bells",
    "upbeat funk groove with slap bass, brass stabs and a tight drum kit",
    "cinematic orchestral piece with strings, horns and timpani",
    "acoustic folk guitar ballad, warm and intimate, 90 bpm",
    "techno loop with a driving kick, hi-hats and acid bassline at 128 bpm",
    "jazz trio: upright bass, brushed drums, piano solo in C minor",
    "reggae riddim with offbeat guitar skank and deep dub bass",
    "heavy metal riff with distorted guitars and double kick drums",
    "calm meditation music with flute and soft rain",
    "epic trailer music, big drums, choir, rising tension",
]


def train() -> Tokenizer:
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace("  ", " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = trainers.UnigramTrainer(
        vocab_size=300, special_tokens=["<pad>", "</s>", "<unk>"], unk_token="<unk>", shrinking_factor=0.75
    )
    tok.train_from_iterator(CORPUS * 4, trainer)
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", 1)])
    return tok
