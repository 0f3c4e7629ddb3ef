"""The exercise routine as data: the bundled hip series and its strict loader."""
