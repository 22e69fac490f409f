"""Videnbro – knowledge bridge for the Danish health and life-science ecosystem."""
