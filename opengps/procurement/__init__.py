"""Procurement from announcement to award (issue #5); `sealing` holds the bid cryptography."""
