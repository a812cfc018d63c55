"""What the API (``eclaire_search``) and the ingest (``ingest``) share, and nothing else.

The contract between the two sides lives here: the settings, the IG's codes and URLs, the shape
of a study document and the ids of the resources it holds, the fixed Organizations, the index
template and the one OpenSearch client builder. This package imports neither side.
"""
