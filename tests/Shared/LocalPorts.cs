using System.Net;
using System.Net.Sockets;

namespace Pamoja.Tests.Shared;

internal static class LocalPorts
{
    /// A loopback port free a moment ago (the OS picked it and it was released at once): for an
    /// app to listen on, or for a "nothing listens there" address.
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
