using System.Net;
using System.Net.Sockets;

namespace Ccx.Dns.TestServers;

/// <summary>Free loopback ports, found by binding port 0.</summary>
public static class LoopbackPorts
{
    /// <summary>A port free for TCP on 127.0.0.1.</summary>
    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A port free for both TCP and UDP on 127.0.0.1 (a DNS listener needs both).</summary>
    public static int FreeTcpAndUdpPort()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            try
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for UDP: try another.
            }
        }

        throw new InvalidOperationException("no loopback port free for both TCP and UDP after 20 attempts");
    }
}
