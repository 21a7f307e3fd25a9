"""The domain layer, without Flask: places, statements, accounts and invitations, elections, candidates'
answers and organisations. Every write to the database goes through a function here."""
