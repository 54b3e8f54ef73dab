"""rehearse: how did your talk rehearsal go?"""

__version__ = "0.1.0"
