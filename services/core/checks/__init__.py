"""Moderation checks: plain functions from a comment (and the rules) to signals with reasons."""
