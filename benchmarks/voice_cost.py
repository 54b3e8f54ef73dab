"""The voice stage's cost as a share of transcription time on the same recording.

Transcribes the recording once, uncached, with the default engine and model (the baseline),
then times the voice stage on it: decoding again (the transcript may come from the cache, so
the voice stage decodes itself) and the pitch and loudness measures alone, the median of
``--repeat`` runs. Prints both as a share of the transcription time.

    .venv/bin/python benchmarks/voice_cost.py                         # babylon.mp3, English
    .venv/bin/python benchmarks/voice_cost.py talk.m4a --language pl

Goal (issue 12): the voice stage at most 5 % of the transcription time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from rehearse.measure.voice import measure_voice
from rehearse.transcribe import TranscribeOptions, transcribe

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # for clips
from clips import load_audio  # short recordings decoded whole

HERE = Path(__file__).resolve().parent
DEFAULT_RECORDING = HERE / "sources" / "babylon.mp3"
GOAL_SHARE = 0.05


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recording", nargs="?", type=Path, default=DEFAULT_RECORDING)
    parser.add_argument("--language", default="en")
    parser.add_argument("--model", default="base")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{args.recording} | model {args.model} | load average {os.getloadavg()[0]:.2f}")

    options = TranscribeOptions(model=args.model, language=args.language, cache=False)
    started = time.perf_counter()
    transcript = transcribe(args.recording, options).transcript
    transcription = time.perf_counter() - started

    decode, measure = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        audio = load_audio(args.recording)
        decode.append(time.perf_counter() - started)
        started = time.perf_counter()
        voice = measure_voice(audio.samples, transcript)
        measure.append(time.perf_counter() - started)
    decode_s, measure_s = statistics.median(decode), statistics.median(measure)

    print(f"audio            {transcript.duration:7.1f} s")
    print(f"transcription    {transcription:7.2f} s  (baseline, uncached)")
    print(f"voice measures   {measure_s:7.3f} s  {measure_s / transcription:6.2%} of transcription")
    total = decode_s + measure_s
    print(f"  with decoding  {total:7.3f} s  {total / transcription:6.2%} of transcription")
    verdict = "within" if total / transcription <= GOAL_SHARE else "OVER"
    print(f"goal <= {GOAL_SHARE:.0%}: {verdict}")
    print(
        f"voice: {voice.verdict}, spread {voice.pitch_variation_st} st, "
        f"{len(voice.windows)} windows, {voice.sentences} sentences"
    )


if __name__ == "__main__":
    main()
