#pragma once
// A response's header block as the bytes that go on the wire, written into a buffer the
// connection keeps between requests: the session writes it and the body in one gathered
// write, with no allocation once the buffer has grown to the usual header block and
// none of the per-buffer iteration of Beast's generic serializer (several percent of
// the CPU of a board read). The bytes are exactly those Beast's serializer writes.

#include <string>

#include "http/request.hpp"

namespace http {

// Whether `response` can be written by append_response (anything but a chunked body,
// which only Beast's serializer frames).
bool writable_as_wire(const Response& response);

// Appends the status line, the header fields in order and the empty line.
void append_header_block(const Response& response, std::string& out);

}  // namespace http
