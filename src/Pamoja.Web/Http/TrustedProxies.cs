using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Pamoja.Web.Http;

/// Network:KnownProxies: who may tell us the client's address (X-Forwarded-For) and scheme
/// (X-Forwarded-Proto) when Network:TrustForwardedHeaders is on. A comma-separated list of
/// addresses and CIDR networks ("127.0.0.1, ::1, 10.0.0.0/8"); unset means loopback, where
/// nginx runs in docs/operations.md. Everyone else who reaches the port is counted by their own
/// address, so they cannot pick the address the per-IP rate limits see. "*" trusts any sender:
/// only for the in-memory test server, which has no sender address to check.
public sealed record TrustedProxies(IReadOnlyList<IPAddress> Addresses, IReadOnlyList<IPNetwork> Networks, bool AnySender)
{
    public const string Setting = "Network:KnownProxies";

    public static readonly TrustedProxies Loopback = new([IPAddress.Loopback, IPAddress.IPv6Loopback], [], false);

    /// Throws when an entry is neither an address nor a network, so a typo stops the start
    /// instead of silently trusting nobody (or everybody).
    public static TrustedProxies Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return Loopback;
        var entries = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (entries is ["*"])
            return new TrustedProxies([], [], true);

        var addresses = new List<IPAddress>();
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            if (entry.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(entry, out var network))
                networks.Add(network);
            else if (!entry.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(entry, out var address))
                addresses.Add(address);
            else
                throw new InvalidOperationException(
                    $"{Setting} has '{entry}', which is not an IP address or a CIDR network (such as 127.0.0.1 or 10.0.0.0/8). " +
                    "\"*\" (trust any sender) must stand alone.");
        }
        if (addresses.Count == 0 && networks.Count == 0)
            throw new InvalidOperationException($"{Setting} names no proxy.");
        return new TrustedProxies(addresses, networks, false);
    }

    public void ApplyTo(ForwardedHeadersOptions options)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        // With both lists empty the middleware believes any sender; that is what "*" means.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var address in Addresses)
            options.KnownProxies.Add(address);
        foreach (var network in Networks)
            options.KnownIPNetworks.Add(network);
    }
}
