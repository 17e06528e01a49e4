using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Pamoja.Web.Integrations.Mpesa;

/// Nothing was sent to M-Pesa: the token or the certificate needed first could not be had.
public sealed class DarajaUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// The credentials every Daraja client instance shares (a singleton): the OAuth token, fetched
/// once and refreshed shortly before it expires, one refresh at a time; and the B2C
/// SecurityCredential, computed once (the same credential may be reused, protocols.md §1.4).
public sealed class DarajaAuth(IOptions<MpesaOptions> options, TimeProvider time) : IDisposable
{
    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt);

    private readonly SemaphoreSlim _tokenGate = new(1, 1);
    private readonly SemaphoreSlim _credentialGate = new(1, 1);
    private CachedToken? _token;
    private string? _credential;

    /// How many tokens were fetched: for operators' logs and tests.
    public int TokensFetched => Volatile.Read(ref _tokensFetched);
    private int _tokensFetched;

    public async Task<string> TokenAsync(HttpClient http, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var cached = Volatile.Read(ref _token);
        if (cached is not null && time.GetUtcNow() < cached.RefreshAt)
            return cached.Value;

        await _tokenGate.WaitAsync(ct);
        try
        {
            // Whoever held the gate before may have refreshed it already.
            cached = Volatile.Read(ref _token);
            if (cached is not null && time.GetUtcNow() < cached.RefreshAt)
                return cached.Value;
            var fresh = await FetchTokenAsync(http, ct);
            Volatile.Write(ref _token, fresh);
            Interlocked.Increment(ref _tokensFetched);
            return fresh.Value;
        }
        finally
        {
            _tokenGate.Release();
        }
    }

    /// M-Pesa said this token is not valid (expired early, or replaced by a newer one: its FAQ
    /// says a new token invalidates the old). Forget it unless it was already replaced.
    public void Invalidate(string token)
    {
        var cached = Volatile.Read(ref _token);
        if (cached is not null && cached.Value == token)
            Interlocked.CompareExchange(ref _token, null, cached);
    }

    private async Task<CachedToken> FetchTokenAsync(HttpClient http, CancellationToken ct)
    {
        var o = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Get, "oauth/v1/generate?grant_type=client_credentials");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(o.ConsumerKey + ":" + o.ConsumerSecret)));
        string text;
        try
        {
            using var response = await http.SendAsync(request, ct);
            text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new DarajaUnavailableException($"The M-Pesa token call was answered {(int)response.StatusCode}: {Cut(text)}");
        }
        catch (HttpRequestException ex)
        {
            throw new DarajaUnavailableException("The M-Pesa token call failed: " + ex.Message, ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new DarajaUnavailableException("The M-Pesa token call timed out.", ex);
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("access_token", out var token) ||
                token.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(token.GetString()))
                throw new DarajaUnavailableException("The M-Pesa token answer has no access_token: " + Cut(text));
            var lifetime = TimeSpan.FromSeconds(ExpiresIn(root));
            // Refresh a little early (a minute, or a tenth of a short lifetime) so a token never
            // expires between being read here and arriving at M-Pesa.
            var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, lifetime.Ticks / 10));
            return new CachedToken(token.GetString()!, time.GetUtcNow() + lifetime - margin);
        }
        catch (JsonException ex)
        {
            throw new DarajaUnavailableException("The M-Pesa token answer is not JSON: " + Cut(text), ex);
        }
    }

    /// expires_in is a number in today's docs and a string ("3599") in older ones and in the
    /// sandbox (protocols.md §1.1). Missing or unreadable: the documented lifetime.
    private static long ExpiresIn(JsonElement root)
    {
        const long documented = 3599;
        if (!root.TryGetProperty("expires_in", out var value))
            return documented;
        long seconds = 0;
        var ok = (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out seconds))
            || (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out seconds));
        return ok && seconds is > 0 and <= 86_400 ? seconds : documented;
    }

    /// base64(RSA-PKCS#1 v1.5(initiator password)) with M-Pesa's certificate, computed once.
    public async Task<string> SecurityCredentialAsync(HttpClient http, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var cached = Volatile.Read(ref _credential);
        if (cached is not null)
            return cached;
        await _credentialGate.WaitAsync(ct);
        try
        {
            cached = Volatile.Read(ref _credential);
            if (cached is not null)
                return cached;
            using var certificate = await CertificateAsync(http, ct);
            var credential = DarajaClient.SecurityCredential(certificate, options.Value.InitiatorPassword);
            Volatile.Write(ref _credential, credential);
            return credential;
        }
        finally
        {
            _credentialGate.Release();
        }
    }

    private async Task<X509Certificate2> CertificateAsync(HttpClient http, CancellationToken ct)
    {
        var o = options.Value;
        if (!string.IsNullOrWhiteSpace(o.CertificatePath))
        {
            try
            {
                return DarajaClient.LoadCertificate(await File.ReadAllBytesAsync(o.CertificatePath, ct));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new DarajaUnavailableException($"The M-Pesa certificate {o.CertificatePath} cannot be read: {ex.Message}", ex);
            }
        }
        if (o.IsSafaricom)
            throw new DarajaUnavailableException("Mpesa:CertificatePath is not set: payouts need M-Pesa's public-key certificate.");

        // The Pamoja sandbox makes its key pair at start-up and serves the certificate.
        try
        {
            var bytes = await http.GetByteArrayAsync("sandbox/mpesa/certificate", ct);
            return DarajaClient.LoadCertificate(bytes);
        }
        catch (Exception ex) when (ex is HttpRequestException or CryptographicException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new DarajaUnavailableException("The sandbox's M-Pesa certificate could not be fetched: " + ex.Message, ex);
        }
    }

    private static string Cut(string text) => text.Length <= 200 ? text : text[..200];

    public void Dispose()
    {
        _tokenGate.Dispose();
        _credentialGate.Dispose();
    }
}
