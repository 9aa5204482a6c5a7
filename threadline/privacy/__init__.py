"""The client's privacy rights: disclosures and their accounting, record copies, amendments."""
