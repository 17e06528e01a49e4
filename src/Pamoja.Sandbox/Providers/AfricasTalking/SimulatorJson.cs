using System.Text.Json;

namespace Pamoja.Sandbox.Providers.AfricasTalking;

// Reads the simulators' JSON requests (the sandbox's own API, not AT's). Every way a body can
// be wrong becomes a 400 with a sentence saying which, never an exception: the simulators are
// driven by hand from curl as often as by tests.
internal static class SimulatorJson
{
    private const int MaxBodyBytes = 64 * 1024;

    public static async Task<(JsonElement Root, string? Error)> ReadObjectAsync(
        HttpRequest request, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (default, "Send a JSON object with 'Content-Type: application/json'");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (default, $"The body is over {MaxBodyBytes} bytes");
            }
            buffer.Write(chunk, 0, read);
        }

        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return (default, "The body is not valid JSON: " + ex.Message);
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (default, "The body must be a JSON object");
        }
        foreach (var property in root.EnumerateObject())
        {
            // A misspelt field ("sessionID") silently ignored would start a new session.
            if (!fields.Contains(property.Name))
            {
                return (default, $"Unknown field '{property.Name}'; expected {string.Join(", ", fields)}");
            }
        }
        return (root, null);
    }

    // Absent or null is null.
    public static bool TryString(JsonElement root, string name, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"'{name}' must be a string";
            return false;
        }
        value = element.GetString();
        return true;
    }

    // A keypad entry: a string, or a number as written ("input": 1 is "1").
    public static bool TryInput(JsonElement root, string name, out string? value, out string? error)
    {
        if (root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number)
        {
            value = element.GetRawText();
            error = null;
            return true;
        }
        if (TryString(root, name, out value, out _))
        {
            error = null;
            return true;
        }
        error = $"'{name}' must be a string (or a number)";
        return false;
    }

    public static bool TryBool(JsonElement root, string name, out bool value, out string? error)
    {
        value = false;
        error = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (element.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            value = element.GetBoolean();
            return true;
        }
        error = $"'{name}' must be true or false";
        return false;
    }

    // An absolute http(s) URL, or null when absent.
    public static bool TryUrl(JsonElement root, string name, out Uri? value, out string? error)
    {
        value = null;
        if (!TryString(root, name, out var text, out error))
        {
            return false;
        }
        if (text is null)
        {
            return true;
        }
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            value = url;
            return true;
        }
        error = $"'{name}' must be an absolute http or https URL";
        return false;
    }

    public static IResult BadRequest(string message) =>
        Results.Text(message, "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);

    public static IResult Problem(int statusCode, string message) =>
        Results.Text(message, "text/plain; charset=utf-8", statusCode: statusCode);
}
