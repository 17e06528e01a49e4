using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Pamoja.Web.Features.Channels.Pages;

/// A link sent from a chat. Opening it only shows where it leads; the button uses it (once),
/// so a link preview or a forwarded copy opened later finds it spent.
[AllowAnonymous]
public sealed class ChatLinkModel(ChatLinks links) : PageModel
{
    public OpenedLink? Link { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        if (links.Read(token) is not { } id || await links.PeekAsync(id, ct) is not { } link)
            return Gone();
        Link = link;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken ct)
    {
        if (links.Read(token) is not { } id || await links.UseAsync(id, ct) is not { } link)
            return Gone();
        // Targets are Pamoja's own paths, written by Pamoja; LocalRedirect refuses anything else.
        return LocalRedirect(link.Target);
    }

    private PageResult Gone()
    {
        Response.StatusCode = StatusCodes.Status410Gone;
        return Page();
    }

    public static string Describe(string purpose) => purpose switch
    {
        LinkPurposes.Register => "create your Pamoja account",
        LinkPurposes.SetPin => "set your chat PIN",
        LinkPurposes.Join => "join the group",
        LinkPurposes.Statement => "see your statement",
        _ => "choose how Pamoja messages you",
    };
}
