"""Pictures of the map: graphviz DOT, pyvis networks and plotly figures.

Render functions return objects or text (never call streamlit), so the pages, the exports and
the tests share them. Every user text that goes into a picture is escaped here.
"""
