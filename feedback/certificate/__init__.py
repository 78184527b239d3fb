"""Her certificate of participation: a PDF, in Swedish or English, that she took part in the
program's expert group, which meetings she came to and what the group worked on."""
