#include "domain/entities.hpp"

#include <array>
#include <utility>

namespace domain {

namespace {
constexpr std::array<std::pair<Role, std::string_view>, 3> kRoles{{
    {Role::viewer, "viewer"},
    {Role::editor, "editor"},
    {Role::owner, "owner"},
}};

constexpr std::array<std::pair<ElementKind, std::string_view>, 6> kKinds{{
    {ElementKind::sticky_note, "sticky_note"},
    {ElementKind::rectangle, "rectangle"},
    {ElementKind::ellipse, "ellipse"},
    {ElementKind::text, "text"},
    {ElementKind::line, "line"},
    {ElementKind::freehand, "freehand"},
}};

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table,
                         E value) noexcept {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

template <class E, std::size_t N>
std::optional<E> value_of(const std::array<std::pair<E, std::string_view>, N>& table,
                          std::string_view text) noexcept {
  for (const auto& [v, name] : table) {
    if (name == text) return v;
  }
  return std::nullopt;
}
}  // namespace

std::string_view to_string(Role role) noexcept {
  return name_of(kRoles, role);
}
std::optional<Role> parse_role(std::string_view text) noexcept {
  return value_of(kRoles, text);
}

std::string_view to_string(ElementKind kind) noexcept {
  return name_of(kKinds, kind);
}
std::optional<ElementKind> parse_element_kind(std::string_view text) noexcept {
  return value_of(kKinds, text);
}

}  // namespace domain
