"""Settings split by environment: base (shared), local (dev default), production, test."""
