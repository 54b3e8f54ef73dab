"""The measuring stage: what a rehearsal's timing and voice were, once the transcript is
aligned to the points.

``pacing`` (durations, budgets, time per point, drift, speech rate, pauses, fillers,
repetitions), ``fillers`` (the filler lexicons and rule) and ``voice`` (pitch, loudness,
trailing off). Import the module you need (``from rehearse.measure.pacing import
measure_pacing``); this package imports nothing, so word timing can read the filler lexicon
without loading the rest of the stage.
"""
