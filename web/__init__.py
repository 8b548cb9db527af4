"""The HTTP side beside the pages: routes the app serves next to Streamlit's own (``app.py``).

Nothing here draws a page; a route calls the services, like a page does.
"""
