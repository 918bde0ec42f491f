"""Word-level tokenizer written as HF `tokenizer.json` (WordLevel model) by hand.

Pre-tokenisation = Sequence[WhitespaceSplit, Punctuation(Isolated)]; no normaliser (the
vocabulary is case-sensitive: `USER`, `ASSISTANT`, `What` are tokens as written in the
templates; a word not in the vocabulary becomes `<unk>`). Special tokens are added tokens,
so `<image>` is matched before pre-tokenisation. No post-processor: no BOS/EOS is added by
`encode`; the training sequence appends `<eos>` after the answer itself.
"""

from __future__ import annotations

import json
import re
import unicodedata

PAD, UNK, IMAGE, EOS = "<pad>", "<unk>", "<image>", "<eos>"
SPECIALS = [PAD, UNK, IMAGE, EOS]
ROLE_WORDS = ["USER", ":", "ASSISTANT"]
CHAT_TEMPLATE = "USER: <image> {question} ASSISTANT:"
ROLE_TOKENS = ["USER", ":", "ASSISTANT", ":"]


def _is_punct(ch: str) -> bool:
    o = ord(ch)
    if 33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def pre_tokenize(text: str) -> list[str]:
    out = []
    for w in text.split():
        cur = ""
        for ch in w:
            if _is_punct(ch):
                if cur:
                    out.append(cur)
                    cur = ""
                out.append(ch)
            else:
                cur += ch
        if cur:
            out.append(cur)
    return out


_SPECIAL_RE = re.compile("(" + "|".join(re.escape(s) for s in SPECIALS) + ")")


class WordTokenizer:
    def __init__(self, vocab: list[str]):
        self.vocab = vocab
        self.ids = {w: i for i, w in enumerate(vocab)}
        assert len(self.ids) == len(vocab), "duplicate vocabulary entries"
        self.pad_id = self.ids[PAD]
        self.unk_id = self.ids[UNK]
        self.image_id = self.ids[IMAGE]
        self.eos_id = self.ids[EOS]

    @staticmethod
    def build(texts: list[str], answers: list[str]) -> "WordTokenizer":
        words: list[str] = []
        seen = set(SPECIALS)

        def add(w):
            if w not in seen:
                seen.add(w)
                words.append(w)

        for w in ROLE_WORDS:
            add(w)
        for t in sorted(set(texts)):
            for w in pre_tokenize(t):
                if w not in SPECIALS:
                    add(w)
        for a in sorted(set(answers)):
            toks = pre_tokenize(a)
            if len(toks) != 1:
                raise ValueError(f"answer {a!r} is not a single word-level token: {toks}")
            add(toks[0])
        return WordTokenizer(SPECIALS + words)

    def encode(self, text: str) -> list[int]:
        ids = []
        for part in _SPECIAL_RE.split(text):
            if not part:
                continue
            if part in SPECIALS:
                ids.append(self.ids[part])
            else:
                ids.extend(self.ids.get(w, self.unk_id) for w in pre_tokenize(part))
        return ids

    def chat_ids(self, question: str, n_img: int) -> list[int]:
        """`USER : <image>*n_img question ASSISTANT :` (the prompt before the answer)."""
        pre = self.encode("USER:")
        return pre + [self.image_id] * n_img + self.encode(question) + self.encode("ASSISTANT:")

    def to_hf_json(self) -> dict:
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {
                    "id": self.ids[s],
                    "content": s,
                    "single_word": False,
                    "lstrip": False,
                    "rstrip": False,
                    "normalized": False,
                    "special": True,
                }
                for s in SPECIALS
            ],
            "normalizer": None,
            "pre_tokenizer": {
                "type": "Sequence",
                "pretokenizers": [{"type": "WhitespaceSplit"}, {"type": "Punctuation", "behavior": "Isolated"}],
            },
            "post_processor": None,
            "decoder": None,
            "model": {"type": "WordLevel", "vocab": self.ids, "unk_token": UNK},
        }

    def hf_config(self) -> dict:
        return {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": 128,
            "bos_token": None,
            "eos_token": EOS,
            "pad_token": PAD,
            "unk_token": UNK,
            "additional_special_tokens": [IMAGE],
            "clean_up_tokenization_spaces": False,
            "padding_side": "right",
            "added_tokens_decoder": {
                str(self.ids[s]): {
                    "content": s,
                    "lstrip": False,
                    "normalized": False,
                    "rstrip": False,
                    "single_word": False,
                    "special": True,
                }
                for s in SPECIALS
            },
        }

    def save(self, d):
        import os

        with open(os.path.join(d, "tokenizer.json"), "w") as f:
            json.dump(self.to_hf_json(), f, indent=1)
        with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
            json.dump(self.hf_config(), f, indent=1)
