#include "http/response_wire.hpp"

namespace http {

bool writable_as_wire(const Response& response) {
  return !response.chunked();
}

void append_header_block(const Response& response, std::string& out) {
  // The status line as Beast writes it: "HTTP/1.1 200 OK".
  const unsigned version = response.version();
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
  out += ' ';
  const unsigned code = response.result_int();
  out += static_cast<char>('0' + code / 100);
  out += static_cast<char>('0' + code / 10 % 10);
  out += static_cast<char>('0' + code % 10);
  out += ' ';
  out += response.reason();  // the one set on the message, else the code's standard one
  out += "\r\n";
  for (const auto& field : response) {
    out += field.name_string();
    out += ": ";
    out += field.value();
    out += "\r\n";
  }
  out += "\r\n";
}

}  // namespace http
