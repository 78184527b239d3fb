"""Spoken versions of program texts, recorded by staff or the interpreter: one per text and language."""
