"""Operations code, run by `flask` commands on the server: backups and retention."""
