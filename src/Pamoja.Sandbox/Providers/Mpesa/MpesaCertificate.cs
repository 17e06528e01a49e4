using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Pamoja.Sandbox.Providers.Mpesa;

// The sandbox's stand-in for Safaricom's M-Pesa public-key certificate. Made fresh at start-up
// (nothing secret is ever checked in) and served at GET /sandbox/mpesa/certificate, so a client
// encrypts its initiator password exactly as for production: RSA PKCS#1 v1.5 with the
// certificate's public key, then base64 (protocols.md §1.4).
public sealed class MpesaCertificate : IDisposable
{
    private readonly RSA _key;

    public MpesaCertificate()
    {
        _key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Pamoja Sandbox M-Pesa, O=Pamoja Sandbox", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        Pem = certificate.ExportCertificatePem();
    }

    public string Pem { get; }

    // Whether the credential decrypts to the expected password. Anything that is not base64 or
    // not decryptable is simply wrong, as it would be at M-Pesa.
    public bool Verify(string securityCredential, string expectedPassword)
    {
        ArgumentNullException.ThrowIfNull(securityCredential);
        ArgumentNullException.ThrowIfNull(expectedPassword);
        var bytes = new byte[securityCredential.Length];
        if (!Convert.TryFromBase64String(securityCredential, bytes, out var length))
        {
            return false;
        }
        try
        {
            var plain = _key.Decrypt(bytes.AsSpan(0, length).ToArray(), RSAEncryptionPadding.Pkcs1);
            return CryptographicOperations.FixedTimeEquals(plain, Encoding.UTF8.GetBytes(expectedPassword));
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public void Dispose() => _key.Dispose();
}
