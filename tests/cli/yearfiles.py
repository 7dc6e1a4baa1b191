"""The record files of the small year folders the cli cases build (notice, review, check):
the columns of societies.csv and applications.csv, a CSV file's text, a valid credit code."""
import csv
import io

SOC_FIELDS = ["id", "name", "credit_code", "industry", "phone", "email", "members", "party_org",
              "party_quarters", "party_four_haves", "council_complete", "last_election", "term_years",
              "election_extension", "office", "independent_accounts", "inspection", "violation",
              "absences"]
APP_FIELDS = ["id", "society", "title", "class", "amount", "start", "end", "submitted",
              "materials_complete", "materials_authentic"]


def csv_text(fields, rows):
    """CSV text with CRLF line ends, quoted where needed: a header of fields, then each row
    (a dict) as its values of fields."""
    b = io.StringIO()
    w = csv.writer(b, lineterminator="\r\n")
    w.writerow(fields)
    for r in rows:
        w.writerow([r[f] for f in fields])
    return b.getvalue()


def valid_code(prefix17):
    """prefix17 and its GB 32100 check character (DOMAIN.md §4.4)."""
    alpha = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    s = sum(alpha.index(c) * wi for c, wi in zip(prefix17, w))
    return prefix17 + alpha[(31 - s % 31) % 31]
