"""The live monitor: server-rendered pages and small dependency-free scripts.

Pages read through the same service functions as the API and write nothing; every change
is a button press that calls the public API.
"""
