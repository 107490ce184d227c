"""Snowball's Dutch stop word list, shipped as package data (`kennisbank.stopwords_nl`);
see README.md in this folder for its source and licence."""
