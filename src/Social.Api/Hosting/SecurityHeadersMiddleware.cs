namespace Social.Api.Hosting;

/// <summary>
/// Headers every response carries: no content-type sniffing (a JSON body or an uploaded text is never run as a script
/// or a page), no framing by any site (clickjacking of <c>/admin</c> and <c>/dashboard</c>; nothing here is meant to be
/// framed, the web client included), and no <c>Referer</c> sent from these pages to other sites.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string FrameAncestors = "frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext http)
    {
        // When the response starts, so that the headers survive what clears them on the way (the exception handler).
        http.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            if (headers.ContentSecurityPolicy.Count == 0)
            {
                headers.ContentSecurityPolicy = FrameAncestors;
            }

            if (!headers.ContainsKey("Referrer-Policy"))
            {
                headers["Referrer-Policy"] = "no-referrer";
            }

            return Task.CompletedTask;
        }, http.Response);
        return next(http);
    }
}
