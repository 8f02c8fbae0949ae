"""The schema layer: the two format versions as data and the one model of the statutory tables.

``formats`` loads ``gov2019.json`` and ``gov2021.json`` (sections, tables, rows, columns, labels,
roles, cell ids); ``identities`` derives S1, S2, O1 and S4 from the declarations in those files;
``grid`` lays each table out as the official form with its spans; ``numbers`` formats every number.
Readers, checks, layouts and writers all take the tables' structure from here, never from a list of
their own. Imports nothing of the kit but its errors.
"""
from .formats import (SECTION_KEYS, TABLE_NAMES, VERSIONS, Column, FormatVersion, Outcome, Row, Section, Table,
                      get_format, version_for_year)
from .grid import Box, Grid, official_grid
from .identities import Identity, balanced
from .numbers import number_text, printed, total
from .words import cells_in_words

__all__ = ["SECTION_KEYS", "TABLE_NAMES", "VERSIONS", "Box", "Column", "FormatVersion", "Grid", "Identity",
           "Outcome", "Row", "Section", "Table", "balanced", "cells_in_words", "get_format", "number_text", "official_grid",
           "printed", "total", "version_for_year"]
