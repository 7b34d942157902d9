"""Whether evidence answers the question that was asked, and whether a claim holds in its passage."""
