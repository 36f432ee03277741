"""The corrected server: every fix of app.FIXES."""

from app import FIXES, serve

serve(FIXES)
