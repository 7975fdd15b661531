from django.db import connection


def query_count(get_response):
    """Count the SQL statements of a request (middleware included) into a response header.

    Benchmark servers only: the runner reads it to give each baseline the same
    number of queries as the page it stands beside, and to report query counts
    measured on the real server.
    """

    def middleware(request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response

    return middleware


def client_ip(request) -> str:
    """The guest's address for per-IP rate limits: the load generator's header, else the peer."""
    return request.META.get("HTTP_X_BENCH_CLIENT_IP") or request.META["REMOTE_ADDR"]
