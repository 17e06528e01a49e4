using System.Globalization;

namespace Pamoja.Sandbox.Messages;

// The sandbox's own API (not a provider's): lets tests and the demo see what was "delivered".
public static class MessagesApi
{
    public static IServiceCollection AddSandboxMessages(this IServiceCollection services)
    {
        services.AddSingleton(new MessageStore());
        return services;
    }

    public static IEndpointRouteBuilder MapSandboxMessagesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/sandbox/messages");
        group.MapGet("/", List);
        group.MapDelete("/", (MessageStore store) =>
        {
            store.Clear();
            return Results.NoContent();
        });
        return endpoints;
    }

    private static IResult List(MessageStore store, string? to, string? since)
    {
        DateTimeOffset? sinceInstant = null;
        if (!string.IsNullOrEmpty(since))
        {
            if (!TryParseInstant(since, out var parsed))
            {
                return Results.Text(
                    "Query parameter 'since' must be an ISO 8601 instant, e.g. 2025-01-31T09:00:00Z",
                    "text/plain", statusCode: StatusCodes.Status400BadRequest);
            }
            sinceInstant = parsed;
        }

        return Results.Json(store.List(RestorePlus(to), sinceInstant));
    }

    // An unencoded '+' in a query string arrives as a space ("?to=+2547..." → " 2547..."),
    // an easy slip in curl and tests; E.164 numbers and offsets never contain spaces, so put it back.
    private static string? RestorePlus(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        return value.StartsWith(' ') ? "+" + value.TrimStart() : value;
    }

    private static bool TryParseInstant(string value, out DateTimeOffset instant)
    {
        const DateTimeStyles styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, styles, out instant)
            || DateTimeOffset.TryParse(value.Replace(' ', '+'), CultureInfo.InvariantCulture, styles, out instant);
    }
}
