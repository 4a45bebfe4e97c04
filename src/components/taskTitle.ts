/** Task titles as menus show them: sentence case ("red cube → bowl" -> "Red cube → bowl"). */
export function taskTitle(title: string): string {
  return title ? title[0].toUpperCase() + title.slice(1) : title;
}
