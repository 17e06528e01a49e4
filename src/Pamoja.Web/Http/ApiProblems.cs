using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Pamoja.Web.Http;

/// RFC 9457 problem details for every error the API returns (api.md § Conventions).
public static class ApiProblems
{
    public static IResult Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        Results.ValidationProblem(errors, detail: detail ?? "The request has invalid fields.", title: "Invalid request");

    public static IResult Status(int status, string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);

    /// Maps "$.contribution.amount" or "$.items[2].x" to "contribution.amount" / "items[2].x".
    public static string FieldFromJsonPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "body";
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Length == 0 ? "body" : field;
    }
}

/// Turns malformed requests (bad JSON, wrong types, oversized or missing bodies) into a 400
/// problem naming the field, instead of the framework's empty 400 or a 500.
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad)
            return false;

        var errors = new Dictionary<string, string[]>();
        string detail;
        if (bad.InnerException is JsonException json)
        {
            var field = ApiProblems.FieldFromJsonPath(json.Path);
            errors[field] = [field == "body" ? "The body is not valid JSON for this request." : $"The value of '{field}' has the wrong type or format."];
            detail = "The request body could not be read as JSON.";
        }
        else
        {
            detail = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "The request body is too large."
                : bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase) ? "A JSON body is required." : "The request is malformed.";
            errors["body"] = [detail];
        }

        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == 413 ? "Request too large" : "Malformed request",
                Detail = detail,
                Extensions = { ["errors"] = errors },
            },
        });
    }
}

/// API bodies are small; anything larger is refused before it is read (Kestrel enforces the
/// limit while streaming; the Content-Length check answers early and works in the test host).
public sealed class ApiBodyLimitMiddleware(RequestDelegate next)
{
    public const long MaxApiBodyBytes = 64 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            if (context.Request.ContentLength > MaxApiBodyBytes)
            {
                await ApiProblems.Status(StatusCodes.Status413PayloadTooLarge, "Request too large",
                    $"API request bodies are limited to {MaxApiBodyBytes} bytes.").ExecuteAsync(context);
                return;
            }
            if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = MaxApiBodyBytes;
        }
        await next(context);
    }
}
