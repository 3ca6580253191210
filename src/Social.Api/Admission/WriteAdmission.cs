using Microsoft.Extensions.Options;
using Social.Abstractions.Commands;
using Social.Api.Errors;

namespace Social.Api.Admission;

/// <summary>
/// Bounds the writes an instance works on at once. Past the bound a write is refused at once with 503 and
/// <c>Retry-After</c>, before it costs authentication, a grain call or an append: an overloaded instance answers every
/// request quickly and keeps its throughput near capacity, instead of queueing work until all of it times out. Reads are
/// not counted, so they keep being served while writes are shed.
/// </summary>
internal sealed class WriteAdmission
{
    private readonly RequestDelegate _next;
    private readonly ProblemExceptionHandler _problems;
    private readonly AdmissionOptions _options;
    private int _inFlight;

    public WriteAdmission(RequestDelegate next, IServiceProvider services, IOptions<AdmissionOptions> options)
    {
        _next = next;
        _problems = ActivatorUtilities.CreateInstance<ProblemExceptionHandler>(services);
        _options = options.Value;
    }

    public async Task InvokeAsync(HttpContext http)
    {
        if (!ApiWrites.Is(http.Request))
        {
            await _next(http);
            return;
        }

        try
        {
            if (Interlocked.Increment(ref _inFlight) > _options.MaxWritesInFlight)
            {
                // Answered here rather than thrown: under overload this is the common path, and it must stay cheap.
                await _problems.TryHandleAsync(http, new OverloadedException("this instance's writes", _options.RetryAfter), http.RequestAborted);
                return;
            }

            await _next(http);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
