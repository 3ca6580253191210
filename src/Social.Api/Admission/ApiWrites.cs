namespace Social.Api.Admission;

/// <summary>Which requests are writes of the API: the ones admission bounds and an <c>Idempotency-Key</c> applies to.</summary>
internal static class ApiWrites
{
    public static bool Is(HttpRequest request) =>
        (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method) || HttpMethods.IsDelete(request.Method))
        && request.Path.StartsWithSegments("/api");
}
