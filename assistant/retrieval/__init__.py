"""The index and how it is searched: the encoder, the docstore and vectors, BM25, hybrid retrieval."""
