namespace Testbed.Engine.Networking;

/// <summary>How a listen socket shares its port with the other loops' listen sockets (SO_REUSEPORT).</summary>
public enum PortSharing
{
    /// <summary>A plain bind: one listen socket, no sharing (a single loop).</summary>
    Exclusive,

    /// <summary>
    /// The first socket of this server's group: the port must be free (so a second server on the same port
    /// fails with EADDRINUSE instead of silently taking half the connections), then it is bound shared.
    /// </summary>
    FirstOfGroup,

    /// <summary>Another loop's socket joining the group on the port the first one got.</summary>
    JoinGroup,
}
