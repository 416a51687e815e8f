"""Getting every person on the roll signed in: self-activation by the last six characters of the
national ID and a code sent to the phone on their record, activation slips printed by managers,
password reset by phone code, and the managers' view of who has activated. The accounts
themselves, their codes and sessions belong to services/accounts; this capability reads the
member records and the development dossiers to find whom an account is for."""
