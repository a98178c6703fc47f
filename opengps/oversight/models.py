"""Red flags for the finance department and auditors, with evidence (监督预警)."""
