"""The accountant's export: DATEV bookings from the takings, the documents as supporting records, in one ZIP.

``datev`` writes the EXTF file (format only), ``bookings`` decides what is booked,
``export`` packs the period's ZIP.
"""
